import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';
import { listenTo, publishPush, readGate, serveStream, stopStream, withQuery } from '../../helpers/live-stream.ts';

/** One read of the events stream by the poller: where it started, and whether the event loop turned since the read before it. */
interface PollRead {
  afterSeq: number | undefined;
  loopTurned: boolean;
}

describe('the live stream poller with many new events', () => {
  let bus: EventBus;
  let server: Server;
  let stream: EventStream;
  const reads: PollRead[] = [];
  /** Holds the poller's reads: the test shuts it, publishes, then opens it. */
  const gate = readGate();
  let turned = true;

  beforeAll(async () => {
    bus = await openTempEmbeddedBus();
    const gated = withQuery(bus, async (query) => {
      await gate.pass();
      reads.push({ afterSeq: query.afterSeq, loopTurned: turned });
      // Set again by the next turn of the event loop, if there is one before the next read.
      turned = false;
      setImmediate(() => (turned = true));
      return bus.query(query);
    });
    stream = new EventStream({ bus: gated, logger: silentLogger, now: () => new Date(), intervalMs: 20 });
    server = await serveStream(stream);
  });
  afterAll(() => stopStream(stream, server, bus));

  it('sends every new event once and in order, letting the event loop go between the pages it reads', async () => {
    const client = listenTo(server);
    await eventually(() => client.received().includes('event: ready'), 5_000, 'the stream to open');
    gate.shut();
    await eventually(() => gate.held(), 5_000, 'the poller to wait for its read');
    // 1,200 events: three pages of up to 500 for one poll.
    await Promise.all(Array.from({ length: 1_200 }, (_, i) => publishPush(bus, `e${i}`, { i })));
    reads.length = 0;
    gate.open();
    await eventually(() => client.seqs().length >= 1_200, 10_000, 'the 1,200 events');
    expect(client.seqs()).toEqual(Array.from({ length: 1_200 }, (_, i) => i + 1));
    expect(new Set(client.ids()).size).toBe(1_200);
    // The poll that found them read three pages; other work ran before the second and the third.
    expect(reads.slice(0, 3)).toEqual([
      { afterSeq: 0, loopTurned: expect.any(Boolean) as boolean },
      { afterSeq: 500, loopTurned: true },
      { afterSeq: 1_000, loopTurned: true },
    ]);
    client.close();
  });
});
