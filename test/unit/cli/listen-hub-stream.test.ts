import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { followHubStream, type StreamedEvent } from '../../../src/cli/listen/hub-stream.ts';

const servers: Server[] = [];

/** A local "hub" whose n-th stream request (from 0) is answered by `answer(n, …)`. */
async function fakeHub(answer: (n: number, req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; asks: string[] }> {
  const asks: string[] = [];
  const server = createServer((req, res) => {
    asks.push(String(req.headers['last-event-id'] ?? '-'));
    answer(asks.length - 1, req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, asks };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const sse = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });
const hubEvent = (seq: number) =>
  `id: ${seq}\nevent: hub-event\ndata: ${JSON.stringify({ seq, id: `e${seq}`, type: 'github.push', event: { id: `e${seq}` } })}\n\n`;

/** Follows the stream until `want` events arrived or `withinMs` passed. */
async function follow(url: string, idleMs: number, want: number, withinMs: number): Promise<{ events: string[]; lines: string[] }> {
  const events: string[] = [];
  const lines: string[] = [];
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), withinMs);
  await followHubStream({
    url,
    token: 't',
    filter: {},
    fetch,
    sleep: () => sleep(20),
    signal: stop.signal,
    status: (line) => lines.push(line),
    idleMs,
    onEvent: (streamed: StreamedEvent) => {
      events.push(streamed.id);
      if (events.length >= want) stop.abort();
      return Promise.resolve();
    },
  });
  clearTimeout(deadline);
  return { events, lines };
}

describe('hookhub listen: following the hub stream', () => {
  it('reconnects when the hub goes silent (no event, no heartbeat) instead of waiting for ever', async () => {
    const hub = await fakeHub((n, _req, res) => {
      sse(res);
      // The first connection goes quiet after the ready frame, as a half-open TCP connection would.
      if (n === 0) res.write('id: 7\nevent: ready\ndata: {}\n\n');
      else res.write(hubEvent(8));
    });
    const { events, lines } = await follow(hub.url, 300, 1, 3_000);
    expect(events).toEqual(['e8']);
    expect(hub.asks).toEqual(['-', '7']);
    expect(lines).toContainEqual(expect.stringMatching(/no data from the hub for 0\.3s/));
  });

  it('gives up on a hub that accepts the connection but never answers, and tries again', async () => {
    const hub = await fakeHub((n, _req, res) => {
      if (n === 0) return; // never answers
      sse(res);
      res.write(hubEvent(3));
    });
    const { events } = await follow(hub.url, 300, 1, 3_000);
    expect(events).toEqual(['e3']);
    expect(hub.asks).toEqual(['-', '-']);
  });

  it('does not count the time the local app takes as silence from the hub', async () => {
    const hub = await fakeHub((n, _req, res) => {
      sse(res);
      res.write(hubEvent(1) + hubEvent(2));
    });
    const events: string[] = [];
    const stop = new AbortController();
    await followHubStream({
      url: hub.url,
      token: 't',
      filter: {},
      fetch,
      sleep: () => sleep(20),
      signal: stop.signal,
      status: () => undefined,
      idleMs: 200,
      onEvent: async (streamed) => {
        await sleep(500); // a slow local app, longer than idleMs
        events.push(streamed.id);
        if (events.length === 2) stop.abort();
      },
    });
    expect(events).toEqual(['e1', 'e2']);
    expect(hub.asks).toEqual(['-']);
  });

  it('reports a message it cannot read, with its seq and event id, and moves on instead of reconnecting to it for ever', async () => {
    const hub = await fakeHub((_n, _req, res) => {
      sse(res);
      res.write('id: 4\nevent: hub-event\ndata: {"seq":4,"id":"gh-\\"4\\"","type":"github.push","event":{"id":\n\n');
      res.write('id: 5\nevent: hub-event\ndata: {"seq":5,"type":"github.push"}\n\n');
      res.write(hubEvent(6));
    });
    const { events, lines } = await follow(hub.url, 2_000, 1, 3_000);
    expect(events).toEqual(['e6']);
    expect(hub.asks).toEqual(['-']);
    expect(lines.filter((l) => l.startsWith('skipped'))).toEqual([
      expect.stringMatching(/^skipped #4, event gh-"4": the hub sent it as broken JSON \(.+\); not forwarded, listen moves on$/),
      'skipped #5: the hub sent it without its id, type or event; not forwarded, listen moves on',
    ]);
  });
});
