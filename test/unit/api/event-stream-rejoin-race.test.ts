import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';
import { listenTo, publishPush, readGate, serveStream, stopStream, withQuery } from '../../helpers/live-stream.ts';

describe('the live stream when the last client leaves during a poll and another joins', () => {
  let bus: EventBus;
  let server: Server;
  let stream: EventStream;
  /** Holds the poller's reads: the test shuts it, publishes, then opens it. */
  const gate = readGate();
  /** Requests whose close the stream has handled (its listener runs before the test's). */
  let closedRequests = 0;

  const publish = (i: number) => publishPush(bus, `e${i}`, { i });
  const listen = () => listenTo(server);

  beforeAll(async () => {
    bus = await openTempEmbeddedBus();
    const gated = withQuery(bus, async (query) => {
      await gate.pass();
      return bus.query(query);
    });
    stream = new EventStream({ bus: gated, logger: silentLogger, now: () => new Date(), intervalMs: 20 });
    server = await serveStream(stream, (req) => req.once('close', () => (closedRequests += 1)));
  });
  afterAll(() => stopStream(stream, server, bus));

  it('sends the new client only the events from after it joined: the old poll neither delivers nor moves the cursor', async () => {
    for (let i = 1; i <= 3; i++) await publish(i);
    const first = listen();
    await eventually(() => first.received().includes('event: ready'), 5_000, 'the first stream to open');
    expect(first.received()).toMatch(/id: 3\nevent: ready/);
    gate.shut();
    await eventually(() => gate.held(), 5_000, 'a poll to wait for its read (after seq 3)');
    for (let i = 4; i <= 8; i++) await publish(i);
    first.close();
    await eventually(() => closedRequests === 1, 5_000, 'the stream to see the first client leave');

    // The first client after all had left: it starts from the head, while the old poll still waits.
    const second = listen();
    await eventually(() => second.received().includes('event: ready'), 5_000, 'the second stream to open');
    expect(second.received()).toMatch(/id: 8\nevent: ready/);
    for (let i = 9; i <= 10; i++) await publish(i);
    gate.open();
    await eventually(() => second.seqs().includes(10), 5_000, 'the second client to get the events after it joined');
    expect(second.seqs()).toEqual([9, 10]);
    second.close();
  });
});
