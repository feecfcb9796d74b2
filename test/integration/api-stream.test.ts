import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { bearer, prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

let hub: ApiHub;

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
}

/** Opens the SSE stream with fetch and collects parsed messages until stopped. */
async function openStream(query: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${hub.base}/api/events/stream${query}`, {
    headers: { ...bearer(VIEWER_TOKEN), ...headers },
    signal: controller.signal,
  });
  const messages: SseMessage[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: SseMessage = {};
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          if (field === 'id' || field === 'event' || field === 'data') message[field] = rest.join(': ');
        }
        if (message.event) messages.push(message);
      }
    }
  })();
  return {
    res,
    messages,
    events: () => messages.filter((m) => m.event === 'hub-event').map((m) => JSON.parse(m.data ?? '{}') as { id: string; type: string }),
    async close() {
      controller.abort();
      await pump;
    },
  };
}

beforeAll(async () => {
  hub = await startApiHub({ streamIntervalMs: 100 });
});
afterAll(() => hub.stop());

describe('live event stream (SSE)', () => {
  it('pushes new events to each client whose filter matches, with the seq as id', async () => {
    const all = await openStream('');
    const prs = await openStream('?type=github.pull_request.*');
    const web = await openStream('?q=acme/web');
    expect(all.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await hub.sendGithub('pull_request', prPayload(5), 'live-pr');
    await hub.sendGithub(
      'issues',
      {
        action: 'opened',
        issue: { number: 9, title: 'x', html_url: 'https://x' },
        repository: { full_name: 'acme/web' },
        sender: { login: 'o' },
      },
      'live-issue',
    );
    await eventually(() => all.events().length === 2, 5_000, 'both events on the unfiltered stream');
    expect(all.events().map((e) => e.id)).toEqual(['live-pr', 'live-issue']);
    await eventually(() => web.events().length === 1, 5_000, 'the issue on the text-filtered stream');
    expect(prs.events().map((e) => e.id)).toEqual(['live-pr']);
    expect(web.events().map((e) => e.id)).toEqual(['live-issue']);
    const ids = all.messages.filter((m) => m.event === 'hub-event').map((m) => Number(m.id));
    expect(ids[0]).toBeLessThan(ids[1] ?? 0);
    await Promise.all([all.close(), prs.close(), web.close()]);
  });

  it('resumes after Last-Event-ID: a reconnecting client gets what it missed', async () => {
    const first = await openStream('?type=github.pull_request.*');
    await hub.sendGithub('pull_request', prPayload(6), 'resume-1');
    await eventually(() => first.events().some((e) => e.id === 'resume-1'), 5_000, 'first event');
    const lastId = first.messages.filter((m) => m.event === 'hub-event').at(-1)?.id ?? '';
    // Another client keeps the shared poller going: it moves past resume-2 while nobody listens to this filter.
    const other = await openStream('');
    await first.close();
    await hub.sendGithub('pull_request', prPayload(7), 'resume-2');
    await eventually(() => other.events().some((e) => e.id === 'resume-2'), 5_000, 'the poller saw it');
    const again = await openStream('?type=github.pull_request.*', { 'last-event-id': lastId });
    await eventually(() => again.events().some((e) => e.id === 'resume-2'), 5_000, 'the missed event after reconnecting');
    expect(again.events().map((e) => e.id)).toEqual(['resume-2']);
    await Promise.all([other.close(), again.close()]);
  });

  it('refuses a status filter (statuses change after the fact) and bad globs', async () => {
    expect((await fetch(`${hub.base}/api/events/stream?status=failed`, { headers: bearer(VIEWER_TOKEN) })).status).toBe(400);
    expect((await fetch(`${hub.base}/api/events/stream?type=a.**.b`, { headers: bearer(VIEWER_TOKEN) })).status).toBe(400);
  });
});

describe('live stream limits', () => {
  it('gives one token holder at most 20 streams', async () => {
    const streams = await Promise.all(Array.from({ length: 20 }, () => openStream('')));
    expect(streams.every((s) => s.res.status === 200)).toBe(true);
    const refused = await fetch(`${hub.base}/api/events/stream`, { headers: bearer(VIEWER_TOKEN) });
    expect(refused.status).toBe(429);
    await Promise.all(streams.map((s) => s.close()));
    await eventually(
      async () => {
        const again = await openStream('');
        await again.close();
        return again.res.status === 200;
      },
      5_000,
      'a slot after closing',
    );
  });
});
