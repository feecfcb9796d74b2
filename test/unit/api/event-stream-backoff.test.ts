import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { BusStreams, EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { eventually, openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';

const viewer = { name: 'ana', role: 'viewer' as const, via: 'bearer' as const };

describe('the live stream poller', () => {
  let bus: EventBus;
  let server: Server;
  let stream: EventStream;
  let down = false;
  let queries = 0;
  const lines: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    bus = await openTempEmbeddedBus();
    // The bus as the stream sees it: its reads fail while `down`.
    const flaky: BusStreams = {
      publish: (...args) => bus.publish(...args),
      consume: (...args) => bus.consume(...args),
      get: (...args) => bus.get(...args),
      finishedThrough: (...args) => bus.finishedThrough(...args),
      lastSeq: (...args) => bus.lastSeq(...args),
      eventHeads: (...args) => bus.eventHeads(...args),
      countEvents: (...args) => bus.countEvents(...args),
      query: (query) => {
        queries += 1;
        return down ? Promise.reject(new Error('event store unavailable')) : bus.query(query);
      },
    };
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) },
    );
    stream = new EventStream({ bus: flaky, logger, now: () => new Date(), intervalMs: 20 });
    server = createServer((req, res) => void stream.subscribe(req, res, { filter: {}, principal: viewer }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    stream?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await bus?.close();
  });

  it('backs off while the bus fails, logs it once, and streams again once it is back', async () => {
    let received = '';
    get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) =>
      res.on('data', (chunk: Buffer) => (received += chunk.toString())),
    );
    await eventually(() => received.includes('event: ready'), 5_000, 'the stream to open');
    down = true;
    const before = queries;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Every 20 ms without a back-off: about 50 reads, and as many log lines.
    expect(queries - before).toBeLessThan(15);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['event stream: polling the bus failed; retrying with back-off']);
    down = false;
    await bus.publish('events', {
      id: 'e1',
      subject: 'github.push',
      payload: createHubEvent({ id: 'e1', type: 'github.push', connector: 'gh', data: {} }),
    });
    await eventually(() => received.includes('"id":"e1"'), 5_000, 'the event after the bus came back');
    expect(lines.at(-1)?.msg).toBe('event stream: polling the bus works again');
  });
});
