import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardEvent } from '../../../src/cli/listen/forward-event.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';

const servers: Server[] = [];

/** A local server answering every request with `status` and `headers`; `hits` counts the requests. */
async function serve(status: number, headers: Record<string, string> = {}): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(status, headers).end());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks`, hits };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const event = createHubEvent({
  id: 'evt-redirect-1',
  type: 'stripe.payment_intent.succeeded',
  connector: 'stripe',
  data: { secretish: 'card details' },
});

describe('hookhub listen: forwarding one event', () => {
  it('never follows a redirect from the local app: the event goes to --forward-to only', async () => {
    const elsewhere = await serve(200);
    for (const status of [307, 308, 302]) {
      const app = await serve(status, { location: elsewhere.url });
      const result = await forwardEvent(event, {
        target: app.url,
        secret: `whsec_${Buffer.alloc(24, 1).toString('base64')}`,
        cloudevents: false,
        fetch,
        now: () => new Date(),
        sleep: () => Promise.resolve(),
      });
      expect(app.hits).toEqual(['POST /webhooks']);
      expect(result.status).toBe(status);
      expect(result.tries).toBe(1);
      expect(result.error).toBe(`HTTP ${status}: the local app redirected to ${elsewhere.url}; not followed (point --forward-to at it)`);
    }
    expect(elsewhere.hits).toEqual([]);
  });
});

/** A URL on 127.0.0.1 with nothing listening, and a way to start the app there later. */
async function downApp(): Promise<{ url: string; start: () => Promise<string[]> }> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const hits: string[] = [];
  const start = async () => {
    const server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return hits;
  };
  return { url: `http://127.0.0.1:${port}/webhooks`, start };
}

describe('hookhub listen: a local app that is down', () => {
  const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;

  it('holds the event until the app is back (a restart takes longer than four tries), then delivers it', async () => {
    const app = await downApp();
    const retries: string[] = [];
    let waits = 0;
    let hits: string[] = [];
    const result = await forwardEvent(event, {
      target: app.url,
      secret,
      cloudevents: false,
      fetch,
      now: () => new Date(),
      // The app comes back during the seventh wait.
      sleep: async () => void (++waits === 7 && (hits = await app.start())),
      onRetry: (problem, delay) => retries.push(`${problem} ${delay}`),
    });
    expect(result).toMatchObject({ status: 200, tries: 8 });
    expect(result.error).toBeUndefined();
    expect(hits).toEqual(['POST /webhooks']);
    expect(retries).toHaveLength(7);
    expect(retries[0]).toBe(`local app unreachable at ${app.url} (ECONNREFUSED): is it running? check --forward-to 1000`);
    expect(retries.map((r) => Number(r.split(' ').at(-1)))).toEqual([1000, 2000, 4000, 8000, 10000, 10000, 10000]);
  });

  it('stops waiting when listen is stopped (Ctrl-C)', async () => {
    const app = await downApp();
    const stop = new AbortController();
    let waits = 0;
    const result = await forwardEvent(event, {
      target: app.url,
      secret,
      cloudevents: false,
      fetch,
      now: () => new Date(),
      signal: stop.signal,
      sleep: () => Promise.resolve(++waits === 5 ? stop.abort() : undefined),
    });
    expect(result.tries).toBe(5);
    expect(result.error).toContain('local app unreachable');
  });

  it('still gives up after four tries on an app that answers 5xx', async () => {
    const app = await serve(503);
    const result = await forwardEvent(event, {
      target: app.url,
      secret,
      cloudevents: false,
      fetch,
      now: () => new Date(),
      sleep: () => Promise.resolve(),
    });
    expect(result).toMatchObject({ status: 503, tries: 4, error: 'HTTP 503' });
    expect(app.hits).toHaveLength(4);
  });
});
