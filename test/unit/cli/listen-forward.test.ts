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
