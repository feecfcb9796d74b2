import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import { ApiError } from '../../../src/api/http-kit.ts';
import { createNatsBus, type NatsBus } from '../../../src/bus/nats/nats-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { eventually, silentLogger } from '../../helpers/hub-fixtures.ts';
import { useNatsServer } from '../../helpers/nats-server.ts';

const viewer = { name: 'ana', role: 'viewer' as const, via: 'bearer' as const };

/** Opens a stream and hangs up as soon as the answer starts, while the hub is still reading its catch-up. */
function openAndHangUp(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', reject);
  });
}

describe('live stream slots', () => {
  const natsServer = useNatsServer();
  let bus: NatsBus;
  let server: Server;
  let url: string;
  const openConnections = () =>
    new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));

  beforeAll(async () => {
    bus = await createNatsBus({ url: natsServer().url, prefix: 'slots' });
    // A backlog the catch-up reads over the network, batch after batch, while the client is gone.
    for (let start = 0; start < 3_000; start += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => {
          const id = `e${start + i}`;
          return bus.publish('events', {
            id,
            subject: 'github.push',
            payload: createHubEvent({ id, type: 'github.push', connector: 'gh', data: {} }),
          });
        }),
      );
    }
    const stream = new EventStream({ bus, logger: silentLogger, now: () => new Date(), maxClients: 2 });
    server = createServer((req, res) => {
      // A filter no stored event matches: the catch-up writes nothing, it only reads.
      const options = { filter: { type: 'gitlab.**' }, afterSeq: 0, principal: viewer };
      stream.subscribe(req, res, options).catch((err: unknown) => res.writeHead(err instanceof ApiError ? err.status : 500).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }, 60_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await bus?.close();
  });

  it('gives back the slot of a client that hangs up while it is still joining', async () => {
    // Five times the limit of 2: every slot must come back, or a later client is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(await openAndHangUp(url));
      await eventually(async () => (await openConnections()) === 0 || undefined, 10_000, 'the server to see the hang-up');
      // Let the abandoned catch-up finish its reads before the next client asks for a slot.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
  }, 60_000);
});
