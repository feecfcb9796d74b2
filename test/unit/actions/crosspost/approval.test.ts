import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/actions/action.ts';
import { createApprovalHandler } from '../../../../src/actions/crosspost/approval-handler.ts';
import { createApprovalToken, verifyApprovalToken } from '../../../../src/actions/crosspost/approval-token.ts';
import { CrosspostParamsSchema } from '../../../../src/actions/crosspost/crosspost-params.ts';
import { crosspostAction } from '../../../../src/actions/crosspost/index.ts';
import { createEmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { startFakeApi, testDeps, type FakeApi } from '../ci/fake-api.ts';
import { checkXml } from '../report/xml-check.ts';
import { actionContext } from '../../../helpers/action-context.ts';

const SECRET = 'approval-secret-that-is-long-enough-123';
let dir: string;
let bus: EventBus;
let hub: Server;
let hubUrl: string;
let chat: FakeApi;
let masto: FakeApi;
let clock = new Date('2026-11-28T12:00:00Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-approval-'));
  bus = await createEmbeddedBus({ path: join(dir, 'hub.db') });
  hub = createServer(createApprovalHandler({ bus, now: () => clock, logger: pino({ level: 'silent' }) }));
  await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  chat = await startFakeApi(() => ({ status: 200, body: 'ok' }));
  masto = await startFakeApi(() => ({ status: 200, body: { id: '1', url: 'https://mastodon.example/@hub/1' } }));
  clock = new Date('2026-11-28T12:00:00Z');
});
afterEach(async () => {
  await new Promise((resolve) => hub.close(resolve));
  await chat.close();
  await masto.close();
  await bus.close();
  await rm(dir, { recursive: true, force: true });
});

/** A crosspost job held for approval, stored on the bus as the router would, and executed once. */
async function heldPost(id = 'evt_9:announce:0'): Promise<{ job: Job; link: string }> {
  const params = CrosspostParamsSchema.parse({
    platform: 'mastodon',
    instance: masto.url,
    token: 'masto-token',
    text: 'Launch <today> & more',
    approval: { channel: 'ops', url: `${hubUrl}/`, secret: SECRET, expires: '2h' },
  });
  const job: Job = {
    id,
    eventId: 'evt_9',
    eventType: 'github.release.published',
    rule: 'announce',
    index: 0,
    action: 'crosspost',
    params,
    createdAt: clock.toISOString(),
  };
  await bus.publish('jobs', { id: job.id, subject: 'crosspost', payload: job });
  const deps = testDeps(clock, { ops: { type: 'slack', url: `${chat.url}/hook` } });
  const result = await crosspostAction.execute(params, actionContext(job, deps));
  expect(result.response).toBe('awaiting approval in ops until 2026-11-28T14:00:00.000Z');
  expect(masto.requests).toHaveLength(0);
  const message = chat.requests[chat.requests.length - 1]?.body ?? '';
  const link = /http:\/\/127\.0\.0\.1:\d+\/approvals\/[A-Za-z0-9_.-]+/.exec(message)?.[0];
  if (!link) throw new Error(`no approval link in ${message}`);
  expect(message).toContain('Launch &lt;today&gt; &amp; more');
  return { job, link };
}

const decide = (link: string, decision: string) =>
  fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `decision=${decision}` });

describe('crosspost approval', () => {
  it('GET shows the post (escaped) with buttons and approves nothing; POST approve queues the approved job once', async () => {
    const { job, link } = await heldPost();
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(checkXml(html, { html: true }).problems).toEqual([]);
    expect(html).toContain('Launch &lt;today&gt; &amp; more');
    expect(await bus.get('jobs', `${job.id}:approved`)).toBeUndefined();

    expect((await decide(link, 'approve')).status).toBe(200);
    const approved = await bus.get<Job>('jobs', `${job.id}:approved`);
    expect(approved?.payload.params).toMatchObject({ approved: { at: '2026-11-28T12:00:00.000Z' } });
    expect((await decide(link, 'approve')).status).toBe(409);

    // The workers then post it for real.
    const params = CrosspostParamsSchema.parse(approved?.payload.params);
    const posted = await crosspostAction.execute(params, actionContext(approved!.payload, testDeps(clock)));
    expect(posted.response).toBe('posted https://mastodon.example/@hub/1');
    expect(masto.requests).toHaveLength(1);
  });

  it('reject records the decision and queues nothing', async () => {
    const { job, link } = await heldPost('evt_10:announce:0');
    expect((await decide(link, 'reject')).status).toBe(200);
    expect(await bus.get('jobs', `${job.id}:approved`)).toBeUndefined();
    expect((await bus.records(job.id)).map((r) => [r.kind, r.data.decision])).toEqual([['approval', 'reject']]);
    expect((await decide(link, 'approve')).status).toBe(409);
  });

  it('lets exactly one of two simultaneous decisions win, and the post follows the winner', async () => {
    const { job, link } = await heldPost('evt_11:announce:0');
    const answers = await Promise.all([decide(link, 'approve'), decide(link, 'reject')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const approveWon = answers[0]?.status === 200;
    expect((await bus.get('jobs', `${job.id}:approved`)) !== undefined).toBe(approveWon);
    expect((await bus.records(job.id)).map((r) => r.data.decision)).toEqual([approveWon ? 'approve' : 'reject']);
  });

  it('records no decision when the approved post cannot be queued, so the user can try again', async () => {
    const { job, link } = await heldPost('evt_12:announce:0');
    let failPublish = true;
    const flaky = new Proxy(bus, {
      get(target, key) {
        if (key === 'publish' && failPublish) {
          return () => {
            failPublish = false;
            return Promise.reject(new Error('bus unavailable'));
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const server = createServer(createApprovalHandler({ bus: flaky, now: () => clock, logger: pino({ level: 'silent' }) }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const flakyLink = link.replace(hubUrl, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      expect((await decide(flakyLink, 'approve')).status).toBe(503);
      expect(await bus.get('jobs', `${job.id}:approved`)).toBeUndefined();
      expect((await decide(flakyLink, 'approve')).status).toBe(200);
      expect(await bus.get('jobs', `${job.id}:approved`)).toBeDefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers 413 for an oversized form and decides nothing; 400 for a form without a decision', async () => {
    const { job, link } = await heldPost('evt_13:announce:0');
    const big = await decide(link, `approve&pad=${'x'.repeat(2_000)}`);
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('at most 1024 bytes');
    expect((await decide(link, 'maybe')).status).toBe(400);
    expect(await bus.get('jobs', `${job.id}:approved`)).toBeUndefined();
    expect((await decide(link, 'approve')).status).toBe(200);
  });

  it('refuses a tampered, foreign-signed or expired link', async () => {
    const { job, link } = await heldPost('evt_11:announce:0');
    const tampered = link.slice(0, -2) + (link.endsWith('A') ? 'BB' : 'AA');
    expect((await fetch(tampered)).status).toBe(403);
    const forged = `${hubUrl}/approvals/${createApprovalToken({ jobId: job.id, expires: 4_102_444_800 }, 'someone-elses-secret-of-enough-length')}`;
    expect((await decide(forged, 'approve')).status).toBe(403);
    clock = new Date('2026-11-28T14:00:01Z');
    expect((await decide(link, 'approve')).status).toBe(403);
    expect(await bus.get('jobs', `${job.id}:approved`)).toBeUndefined();
    expect((await fetch(`${hubUrl}/approvals/nonsense`)).status).toBe(403);
    expect((await fetch(`${hubUrl}/elsewhere`)).status).toBe(404);
  });

  it('tokens: constant-time MAC check, then expiry', () => {
    const token = createApprovalToken({ jobId: 'j', expires: 100 }, SECRET);
    expect(verifyApprovalToken(token, SECRET, new Date(99_000))).toEqual({ ok: true, claim: { jobId: 'j', expires: 100 } });
    expect(verifyApprovalToken(token, SECRET, new Date(100_000))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyApprovalToken(token, `${SECRET}x`, new Date(0))).toEqual({ ok: false, reason: 'signature' });
    expect(verifyApprovalToken(`${token}x`, SECRET, new Date(0))).toMatchObject({ ok: false });
  });
});
