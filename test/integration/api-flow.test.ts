import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer, prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';
import { objectContaining, stringContaining } from '../helpers/matchers.ts';
import type { Diagnostic } from '../../src/rules/diagnostics.ts';
import type { ChannelHealth } from '../../src/operations/channel-health.ts';
import { REPUBLISH_CLAIMS_BUCKET } from '../../src/actions/runtime/republish-claim.ts';
import type { BulkRetryResult, DeadLetterPage } from '../../src/operations/dead-letter-ops.ts';
import type { EventDetail } from '../../src/operations/event-detail.ts';
import type { EventHistory } from '../../src/operations/event-status.ts';
import type { EventPage } from '../../src/operations/list-events.ts';
import type { ReplayResult } from '../../src/operations/replay-event.ts';

type Detail = EventDetail & { request: { headers: Record<string, string> }; event: { data: { number?: number } } };
type RulesCheck = { ok: boolean; diagnostics: Diagnostic[]; rules: unknown[]; hits: unknown[]; tried: number };
type ConnectorView = { answers: { accepted: number; lastError?: unknown }; setup: string };

let hub: ApiHub;
let failNext = true;

/** The API's JSON, typed as the route answers it (the test checks what the fields hold). */
const get = async <T>(path: string, token = VIEWER_TOKEN) => {
  const res = await fetch(`${hub.base}${path}`, { headers: bearer(token) });
  return { status: res.status, body: (await res.json()) as T };
};
const post = async <T>(path: string, body: unknown, token = ADMIN_TOKEN) => {
  const res = await fetch(`${hub.base}${path}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
};

beforeAll(async () => {
  hub = await startApiHub();
  // The destination refuses (400: permanent, dead-lettered at once) until the test fixes it.
  hub.sink.reply = () => (failNext ? { status: 400, body: 'bad channel config' } : { status: 200, body: 'ok' });
});
afterAll(() => hub.stop());

describe('an operator follows a failed delivery and replays it (API)', () => {
  it('lists the event, shows the failed attempt and headers, dead-letters it, then replay delivers it', async () => {
    expect((await hub.sendGithub('pull_request', prPayload(7), 'delivery-7')).status).toBe(202);
    const failed = await eventually(
      async () => {
        const page = await get<EventPage>('/api/events?status=failed');
        return page.body.events.find((e) => e.id === 'delivery-7');
      },
      10_000,
      'the event to fail',
    );
    expect(failed).toMatchObject({ type: 'github.pull_request.opened', connector: 'github', subject: 'acme/api#7', status: 'failed' });

    const detail = (await get<Detail>('/api/events/delivery-7')).body;
    expect(detail.event.data.number).toBe(7);
    expect(detail.rules).toEqual([
      expect.objectContaining({ rule: 'forward-github', outcome: 'failed', jobs: ['delivery-7:forward-github:0'] }),
    ]);
    expect(detail.jobs).toHaveLength(1);
    expect(detail.jobs[0]).toMatchObject({ id: 'delivery-7:forward-github:0', state: 'dead', action: 'notify' });
    expect(detail.jobs[0]?.attempts[0]).toMatchObject({ attempt: 1, outcome: 'failed', status: 400 });
    expect(detail.jobs[0]?.attempts[0]?.latencyMs).toBeTypeOf('number');
    expect(detail.request.headers['x-github-delivery']).toBe('delivery-7');
    expect(detail.request.headers['x-hub-signature-256']).toMatch(/^\[redacted, \d+ chars\]$/);

    const jobs = (await get<EventHistory>('/api/events/delivery-7/jobs')).body;
    expect(jobs.status).toBe('failed');
    expect(jobs.jobs[0]?.deadReason).toContain('permanent failure');

    const dlq = (await get<DeadLetterPage>('/api/dlq')).body;
    expect(dlq.letters).toContainEqual(
      expect.objectContaining({
        id: 'delivery-7:forward-github:0',
        eventId: 'delivery-7',
        rule: 'forward-github',
        attempts: 1,
        lastStatus: 400,
      }),
    );

    // Purging is for admins, and only takes letters from before the given time.
    expect((await post('/api/dlq/purge', { before: '1h' }, VIEWER_TOKEN)).status).toBe(403);
    expect((await post('/api/dlq/purge', {})).status).toBe(400);
    expect((await post('/api/dlq/purge', { before: '1h' })).body).toMatchObject({ purged: 0 });
    expect((await get<DeadLetterPage>('/api/dlq')).body.total).toBe(1);

    const dry = await post<ReplayResult>('/api/events/delivery-7/replay', { dryRun: true }, VIEWER_TOKEN);
    expect(dry.status).toBe(200);
    expect(dry.body.jobs).toEqual([expect.objectContaining({ id: 'delivery-7:forward-github:0', decision: 'requeued' })]);
    expect(hub.sink.requests).toHaveLength(1);

    failNext = false;
    const replay = await post<ReplayResult>('/api/events/delivery-7/replay', {});
    expect(replay.status).toBe(202);
    expect(replay.body.jobs[0]?.decision).toBe('requeued');
    const delivered = await eventually(
      async () => {
        const body = (await get<Detail>('/api/events/delivery-7')).body;
        return body.summary.status === 'delivered' ? body : undefined;
      },
      10_000,
      'delivery after replay',
    );
    expect(delivered?.jobs[0]?.attempts.map((a) => [a.outcome, a.cycle])).toEqual([
      ['failed', 0],
      ['success', 1],
    ]);
    // The first routing and the replay both queued this job; each now reads as what the job did.
    expect(delivered?.rules.map((r) => [r.outcome, r.replay ?? false])).toEqual([
      ['delivered', false],
      ['delivered', true],
    ]);
    expect((await get<DeadLetterPage>('/api/dlq')).body.total).toBe(0);

    const again = await post<ReplayResult>('/api/events/delivery-7/replay', {});
    expect(again.body.jobs[0]?.decision).toBe('skipped-delivered');
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.sink.delivered()).toHaveLength(1);
  });

  it('filters the list by type glob, connector, text and status, and pages by cursor', async () => {
    failNext = false;
    for (let i = 1; i <= 5; i++)
      expect(
        (
          await hub.sendGithub(
            'issues',
            {
              action: 'opened',
              issue: { number: 100 + i, title: 't', html_url: 'https://x' },
              repository: { full_name: 'acme/web' },
              sender: { login: 'o' },
            },
            `issue-${i}`,
          )
        ).status,
      ).toBe(202);
    await eventually(
      async () => (await get<EventPage>('/api/events?type=github.issues.*&status=delivered')).body.events.length === 5,
      10_000,
      'issues delivered',
    );
    expect((await get<EventPage>('/api/events?type=github.issues.**')).body.events.map((e) => e.id)).toEqual([
      'issue-5',
      'issue-4',
      'issue-3',
      'issue-2',
      'issue-1',
    ]);
    expect((await get<EventPage>('/api/events?q=ACME/WEB%23103')).body.events.map((e) => e.id)).toEqual(['issue-3']);
    expect((await get<EventPage>('/api/events?connector=nope')).body.events).toEqual([]);
    const first = (await get<EventPage>('/api/events?type=github.issues.opened&limit=2')).body;
    expect(first.events.map((e) => e.id)).toEqual(['issue-5', 'issue-4']);
    const second = (await get<EventPage>(`/api/events?type=github.issues.opened&limit=2&cursor=${first.next ?? ''}`)).body;
    expect(second.events.map((e) => e.id)).toEqual(['issue-3', 'issue-2']);
    const since = (await get<EventPage>(`/api/events?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body;
    expect(since.events).toEqual([]);
    const statuses = (await get<{ statuses: Record<string, string> }>('/api/statuses?ids=issue-1,delivery-7,missing')).body.statuses;
    expect(statuses).toEqual({ 'issue-1': 'delivered', 'delivery-7': 'delivered', missing: 'pending' });
    expect((await get('/api/events?status=bogus')).status).toBe(400);
    expect((await get('/api/events?cursor=abc')).status).toBe(400);
    expect((await get('/api/events?type=a..b')).status).toBe(400);
    expect((await get('/api/events/nope')).status).toBe(404);
  });

  it('answers 400, not 500, to a malformed dead-letter cursor and to times out of range', async () => {
    expect((await get('/api/dlq?cursor=abc')).status).toBe(400);
    // 10^9 years ago is before the earliest Date (271,821 BC): not a filter to ignore, nor a purge to crash on.
    expect((await get('/api/events?since=1000000000y')).status).toBe(400);
    expect((await get('/api/dlq?since=1000000000y')).status).toBe(400);
    expect((await post('/api/dlq/purge', { before: '1000000000y' })).status).toBe(400);
    expect((await post('/api/dlq/retry', { all: true, since: '1000000000y' })).status).toBe(400);
  });
});

describe('a dead letter another retry holds', () => {
  it('answers 409 with when to try again, not 404, and a bulk retry lists it as busy', async () => {
    const id = 'held-1:forward-github:0';
    const time = new Date().toISOString();
    await hub.bus.deadLetter({ id, subject: 'notify', payload: { id }, reason: 'permanent failure: HTTP 400', time, attempts: [] });
    // What a retry in another process (or one killed halfway) holds while it republishes the job.
    await hub.bus.kv(REPUBLISH_CLAIMS_BUCKET).put(id, { at: Date.now() }, { revision: 0 });

    const one = await post<{ error: string }>(`/api/dlq/${encodeURIComponent(id)}/retry`, {});
    expect(one.status).toBe(409);
    expect(one.body.error).toMatch(/held by another retry or replay.*try again in a minute/);
    const bulk = await post<BulkRetryResult>('/api/dlq/retry', { ids: [id, 'gone:r:0'] });
    expect(bulk.body).toEqual({ retried: [], missing: ['gone:r:0'], busy: [id] });
    expect((await hub.bus.getDeadLetter(id))?.time).toBe(time);

    await hub.bus.kv(REPUBLISH_CLAIMS_BUCKET).delete(id);
    await hub.bus.takeDeadLetter(id);
  });
});

describe('a bulk retry whose since is not a time', () => {
  it('is refused with 400 and retries nothing, instead of retrying every dead letter', async () => {
    const id = 'old-1:forward-github:0';
    const time = new Date(Date.now() - 7 * 86_400_000).toISOString();
    await hub.bus.deadLetter({ id, subject: 'notify', payload: { id }, reason: 'permanent failure: HTTP 400', time, attempts: [] });

    // Seconds, as a script might send them: read as no since at all, this retried the week-old letter.
    const number = await post<{ error: string }>('/api/dlq/retry', { all: true, since: 7200 });
    expect(number.status).toBe(400);
    expect(number.body.error).toMatch(/^since must be a duration such as "2h" or an ISO 8601 time/);
    expect((await post('/api/dlq/retry', { all: true, since: null })).status).toBe(400);
    // since goes with all: with ids it would be ignored.
    const withIds = await post<{ error: string }>('/api/dlq/retry', { ids: [id], since: '1h' });
    expect(withIds.status).toBe(400);
    expect(withIds.body.error).toMatch(/"since" goes with "all": true/);
    expect((await hub.bus.getDeadLetter(id))?.time).toBe(time);

    await hub.bus.takeDeadLetter(id);
  });
});

describe('rules endpoints', () => {
  it('lists the rules in force and validates pasted YAML with file:line:col diagnostics', async () => {
    expect((await get<{ rules: unknown[] }>('/api/rules')).body.rules).toEqual([
      expect.objectContaining({ name: 'forward-github', on: ['github.**'], actions: ['notify'] }),
    ]);
    const ok = await post<RulesCheck>(
      '/api/rules/validate',
      { yaml: 'rules:\n  - name: a\n    on: github.push\n    do:\n      - notify: { channel: sink, text: hi }\n' },
      VIEWER_TOKEN,
    );
    expect(ok.body).toMatchObject({ ok: true, diagnostics: [], rules: [{ name: 'a' }] });
    const bad = await post<RulesCheck>(
      '/api/rules/validate',
      { yaml: 'rules:\n  - name: a\n    on: github.push\n    do:\n      - notify: { channel: nowhere, text: hi }\n' },
      VIEWER_TOKEN,
    );
    expect(bad.body.ok).toBe(false);
    expect(bad.body.diagnostics[0]).toMatchObject({ file: '<input>', line: 5, severity: 'error' });
    expect(bad.body.diagnostics[0]?.message).toContain('nowhere');
    expect((await post('/api/rules/validate', {}, VIEWER_TOKEN)).status).toBe(400);
    // A pasted rule file is small: 64 KB bounds what a viewer can make the hub parse.
    const huge = `rules: []\n# ${'x'.repeat(70 * 1024)}\n`;
    expect((await post('/api/rules/validate', { yaml: huge }, VIEWER_TOKEN)).status).toBe(413);
    expect((await post('/api/rules/backtest', { yaml: huge }, VIEWER_TOKEN)).status).toBe(413);
  });

  it.each([true, '5', 1.5, 0, 5001, 1e9, null])(
    'refuses a backtest of last: %j with 400, instead of reading it as another N',
    async (last) => {
      const res = await post<{ error: string }>('/api/rules/backtest', { yaml: 'rules: []\n', last }, VIEWER_TOKEN);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('last must be a whole number from 1 to 5000 (a JSON number)');
    },
  );

  it('backtests pasted rules against recent events, on the linear-time regex engine', async () => {
    const yaml =
      'rules:\n  - name: seven\n    on: github.pull_request.*\n    when: { data.number: 7 }\n    do:\n      - notify: { channel: sink, text: "PR {{subject}}" }\n';
    const result = (await post<RulesCheck>('/api/rules/backtest', { yaml, last: 100 }, VIEWER_TOKEN)).body;
    expect(result.ok).toBe(true);
    expect(result.hits).toEqual([
      objectContaining({
        event: objectContaining({ id: 'delivery-7' }),
        rules: [{ rule: 'seven', jobs: [{ action: 'notify', params: { channel: 'sink', text: 'PR acme/api#7' } }], errors: [] }],
      }),
    ]);
    expect(result.tried).toBeGreaterThan(1);
    // Patterns that backtrack exponentially on a RegExp engine run in linear time here.
    const evil =
      'rules:\n  - name: slow\n    on: github.**\n    when: { data.pull_request.title: { $regex: "^(a|a)*$" } }\n    do:\n      - notify: { channel: sink, text: x }\n';
    const ran = (await post<RulesCheck>('/api/rules/backtest', { yaml: evil }, VIEWER_TOKEN)).body;
    expect(ran.ok).toBe(true);
    expect(ran.tried).toBeGreaterThan(1);
    // What RE2 cannot run in linear time (backreferences, lookarounds) is refused with where and why.
    const backref =
      'rules:\n  - name: slow\n    on: github.**\n    when: { data.pull_request.title: { $regex: "(a)\\\\1" } }\n    do:\n      - notify: { channel: sink, text: x }\n';
    const refused = (await post<RulesCheck>('/api/rules/backtest', { yaml: backref }, VIEWER_TOKEN)).body;
    expect(refused.ok).toBe(false);
    expect(refused.tried).toBe(0);
    expect(refused.diagnostics[0]?.message).toContain('linear-time engine');
  });
});

describe('connectors and channels', () => {
  it('reports answers, the last error with a hint, and channel health', async () => {
    expect(
      (
        await fetch(`${hub.base}/hooks/github`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'forged' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
    const [connector] = (await get<{ connectors: ConnectorView[] }>('/api/connectors')).body.connectors;
    expect(connector).toMatchObject({
      name: 'github',
      type: 'github',
      url: `${hub.base}/hooks/github`,
      lastEvent: { connector: 'github' },
    });
    expect(connector?.answers.accepted).toBeGreaterThan(0);
    expect(connector?.answers.lastError).toMatchObject({ status: 401, hint: stringContaining('secret') });
    expect(connector?.setup).toContain('Payload URL');
    const [channel] = (await get<{ channels: ChannelHealth[] }>('/api/channels')).body.channels;
    expect(channel).toMatchObject({ name: 'sink', type: 'webhook', target: hub.sink.url, circuit: 'closed', circuitSource: 'history' });
    expect(channel?.recent.delivered).toBeGreaterThan(0);
  });
});
