import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';
import { listenTo, publishPush, readGate, stopStream, viewer, withQuery } from '../../helpers/live-stream.ts';

describe('a client that leaves while its catch-up is being read', () => {
  let bus: EventBus;
  let server: Server;
  let stream: EventStream;
  /** Holds the catch-up's read until the client is gone. */
  const gate = readGate();
  let closedRequests = 0;
  let ended = 0;

  beforeAll(async () => {
    bus = await openTempEmbeddedBus();
    const gated = withQuery(bus, async (query) => {
      await gate.pass();
      return bus.query(query);
    });
    stream = new EventStream({ bus: gated, logger: silentLogger, now: () => new Date(), intervalMs: 20 });
    server = createServer((req, res) => {
      void stream.subscribe(req, res, { filter: {}, principal: viewer, afterSeq: 0 }).finally(() => (ended += 1));
      req.once('close', () => (closedRequests += 1));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => stopStream(stream, server, bus));

  it('ends its subscription once the read returns, instead of waiting forever (with the batch) for a drain', async () => {
    for (let i = 1; i <= 3; i++) await publishPush(bus, `e${i}`);
    gate.shut();
    const client = listenTo(server, 0);
    await eventually(() => gate.held(), 5_000, 'the catch-up to wait for its read');
    client.close();
    await eventually(() => closedRequests === 1, 5_000, 'the server to see the client leave');
    gate.open();
    await eventually(() => ended === 1, 5_000, 'the subscription to end');
    expect(client.seqs()).toEqual([]);
  });
});
