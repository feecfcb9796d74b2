import { createServer, get, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

const viewer = { name: 'ana', role: 'viewer' as const, via: 'bearer' as const };

interface Listener {
  received(): string;
  /** The event ids received, in order. */
  ids(): string[];
  close(): void;
}

describe('the live stream after every client has left', () => {
  let bus: EventBus;
  let server: Server;
  let stream: EventStream;

  const publish = (id: string) =>
    bus.publish('events', { id, subject: 'github.push', payload: createHubEvent({ id, type: 'github.push', connector: 'gh', data: {} }) });

  function listen(lastEventId?: number): Listener {
    let text = '';
    const headers = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
    const req: ClientRequest = get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers }, (res) =>
      res.on('data', (chunk: Buffer) => (text += chunk.toString())),
    );
    req.on('error', () => undefined);
    return {
      received: () => text,
      ids: () => [...text.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1] ?? ''),
      close: () => req.destroy(),
    };
  }

  beforeAll(async () => {
    bus = await openTempEmbeddedBus();
    stream = new EventStream({ bus, logger: silentLogger, now: () => new Date(), intervalMs: 20 });
    server = createServer((req, res) => {
      const last = req.headers['last-event-id'];
      const options = { filter: {}, principal: viewer, ...(typeof last === 'string' ? { afterSeq: Number(last) } : {}) };
      void stream.subscribe(req, res, options);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    stream?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await bus?.close();
  });

  it('sends a new client the events from when it connected, and a returning one what it missed', async () => {
    const first = listen();
    await eventually(() => first.received().includes('event: ready'), 5_000, 'the first stream to open');
    await publish('before-1');
    await eventually(() => first.ids().includes('before-1'), 5_000, 'the first client to get its event');
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Published while nobody listens.
    for (const id of ['idle-1', 'idle-2', 'idle-3']) await publish(id);

    const second = listen();
    await eventually(() => second.received().includes('event: ready'), 5_000, 'the second stream to open');
    expect(second.received()).toMatch(/id: 4\nevent: ready/);
    await publish('after');
    await eventually(() => second.ids().includes('after'), 5_000, 'the second client to get the new event');
    expect(second.ids()).toEqual(['after']);
    second.close();
    await new Promise((resolve) => setTimeout(resolve, 200));

    // A client that comes back with the Last-Event-ID of the first gets everything after it, once.
    const returning = listen(1);
    await eventually(() => returning.ids().includes('after'), 5_000, 'the returning client to catch up');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(returning.ids()).toEqual(['idle-1', 'idle-2', 'idle-3', 'after']);
    returning.close();
  });
});
