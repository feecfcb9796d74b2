import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { BusStreams, EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

const viewer = { name: 'ana', role: 'viewer' as const, via: 'bearer' as const };

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
  /** While set, reads wait for it: the events published meanwhile are all there for one poll. */
  let gate: Promise<void> | undefined;
  let held = false;
  let turned = true;

  beforeAll(async () => {
    bus = await openTempEmbeddedBus();
    const gated: BusStreams = {
      publish: (...args) => bus.publish(...args),
      consume: (...args) => bus.consume(...args),
      get: (...args) => bus.get(...args),
      finishedThrough: (...args) => bus.finishedThrough(...args),
      lastSeq: (...args) => bus.lastSeq(...args),
      eventHeads: (...args) => bus.eventHeads(...args),
      countEvents: (...args) => bus.countEvents(...args),
      query: async (query) => {
        if (gate) {
          held = true;
          await gate;
        }
        reads.push({ afterSeq: query.afterSeq, loopTurned: turned });
        // Set again by the next turn of the event loop, if there is one before the next read.
        turned = false;
        setImmediate(() => (turned = true));
        return bus.query(query);
      },
    };
    stream = new EventStream({ bus: gated, logger: silentLogger, now: () => new Date(), intervalMs: 20 });
    server = createServer((req, res) => void stream.subscribe(req, res, { filter: {}, principal: viewer }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    stream?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await bus?.close();
  });

  it('sends every new event once and in order, letting the event loop go between the pages it reads', async () => {
    let received = '';
    get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) =>
      res.on('data', (chunk: Buffer) => (received += chunk.toString())),
    );
    await eventually(() => received.includes('event: ready'), 5_000, 'the stream to open');
    let open: () => void = () => undefined;
    gate = new Promise<void>((resolve) => (open = resolve));
    await eventually(() => held, 5_000, 'the poller to wait for its read');
    // 1,200 events: three pages of up to 500 for one poll.
    await Promise.all(
      Array.from({ length: 1_200 }, (_, i) =>
        bus.publish('events', {
          id: `e${i}`,
          subject: 'github.push',
          payload: createHubEvent({ id: `e${i}`, type: 'github.push', connector: 'gh', data: { i } }),
        }),
      ),
    );
    reads.length = 0;
    gate = undefined;
    open();
    const seqs = () => [...received.matchAll(/^id: (\d+)\nevent: hub-event$/gm)].map((m) => Number(m[1]));
    await eventually(() => seqs().length >= 1_200, 10_000, 'the 1,200 events');
    expect(seqs()).toEqual(Array.from({ length: 1_200 }, (_, i) => i + 1));
    expect(new Set([...received.matchAll(/"id":"(e\d+)"/g)].map((m) => m[1])).size).toBe(1_200);
    // The poll that found them read three pages; other work ran before the second and the third.
    expect(reads.slice(0, 3)).toEqual([
      { afterSeq: 0, loopTurned: expect.any(Boolean) as boolean },
      { afterSeq: 500, loopTurned: true },
      { afterSeq: 1_000, loopTurned: true },
    ]);
  });
});
