import type { Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStream } from '../../../src/api/event-stream.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { eventually, openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';
import { listenTo, publishPush, serveStream, stopStream, withQuery } from '../../helpers/live-stream.ts';

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
    const flaky = withQuery(bus, (query) => {
      queries += 1;
      return down ? Promise.reject(new Error('event store unavailable')) : bus.query(query);
    });
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) },
    );
    stream = new EventStream({ bus: flaky, logger, now: () => new Date(), intervalMs: 20 });
    server = await serveStream(stream);
  });
  afterAll(() => stopStream(stream, server, bus));

  it('backs off while the bus fails, logs it once, and streams again once it is back', async () => {
    const client = listenTo(server);
    await eventually(() => client.received().includes('event: ready'), 5_000, 'the stream to open');
    down = true;
    const before = queries;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Every 20 ms without a back-off: about 50 reads, and as many log lines.
    expect(queries - before).toBeLessThan(15);
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['event stream: polling the bus failed; retrying with back-off']);
    down = false;
    await publishPush(bus, 'e1');
    await eventually(() => client.ids().includes('e1'), 5_000, 'the event after the bus came back');
    expect(lines.at(-1)?.msg).toBe('event stream: polling the bus works again');
    client.close();
  });
});
