import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';
import { listenTo, publishPush, serveStream, stopStream } from '../../helpers/live-stream.ts';

describe('the live stream after every client has left', () => {
  let bus: EventBus;
  let server: Server;
  let stream: EventStream;

  const publish = (id: string) => publishPush(bus, id);
  const listen = (lastEventId?: number) => listenTo(server, lastEventId);

  beforeAll(async () => {
    bus = await openTempEmbeddedBus();
    stream = new EventStream({ bus, logger: silentLogger, now: () => new Date(), intervalMs: 20 });
    server = await serveStream(stream);
  });
  afterAll(() => stopStream(stream, server, bus));

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
