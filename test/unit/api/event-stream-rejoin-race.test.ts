import { createServer, get, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { BusStreams, EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

const viewer = { name: 'ana', role: 'viewer' as const, via: 'bearer' as const };

interface Listener {
  received(): string;
  /** The seqs of the events received, in order. */
  seqs(): number[];
  close(): void;
}

describe('the live stream when the last client leaves during a poll and another joins', () => {
  let bus: EventBus;
  let server: Server;
  let stream: EventStream;
  /** While set, the poller's reads wait for it. */
  let gate: Promise<void> | undefined;
  let held = false;
  /** Requests whose close the stream has handled (its listener runs before the test's). */
  let closedRequests = 0;

  const publish = (i: number) =>
    bus.publish('events', {
      id: `e${i}`,
      subject: 'github.push',
      payload: createHubEvent({ id: `e${i}`, type: 'github.push', connector: 'gh', data: { i } }),
    });

  function listen(): Listener {
    let text = '';
    const req: ClientRequest = get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) =>
      res.on('data', (chunk: Buffer) => (text += chunk.toString())),
    );
    req.on('error', () => undefined);
    return {
      received: () => text,
      seqs: () => [...text.matchAll(/^id: (\d+)\nevent: hub-event$/gm)].map((m) => Number(m[1])),
      close: () => req.destroy(),
    };
  }

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
        return bus.query(query);
      },
    };
    stream = new EventStream({ bus: gated, logger: silentLogger, now: () => new Date(), intervalMs: 20 });
    server = createServer((req, res) => {
      void stream.subscribe(req, res, { filter: {}, principal: viewer });
      req.once('close', () => (closedRequests += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    stream?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await bus?.close();
  });

  it('sends the new client only the events from after it joined: the old poll neither delivers nor moves the cursor', async () => {
    for (let i = 1; i <= 3; i++) await publish(i);
    const first = listen();
    await eventually(() => first.received().includes('event: ready'), 5_000, 'the first stream to open');
    expect(first.received()).toMatch(/id: 3\nevent: ready/);
    let open: () => void = () => undefined;
    gate = new Promise<void>((resolve) => (open = resolve));
    await eventually(() => held, 5_000, 'a poll to wait for its read (after seq 3)');
    for (let i = 4; i <= 8; i++) await publish(i);
    first.close();
    await eventually(() => closedRequests === 1, 5_000, 'the stream to see the first client leave');

    // The first client after all had left: it starts from the head, while the old poll still waits.
    const second = listen();
    await eventually(() => second.received().includes('event: ready'), 5_000, 'the second stream to open');
    expect(second.received()).toMatch(/id: 8\nevent: ready/);
    for (let i = 9; i <= 10; i++) await publish(i);
    gate = undefined;
    open();
    await eventually(() => second.seqs().includes(10), 5_000, 'the second client to get the events after it joined');
    expect(second.seqs()).toEqual([9, 10]);
    second.close();
  });
});
