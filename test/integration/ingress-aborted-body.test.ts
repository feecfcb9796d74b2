import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createHooksRoute, type ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { openTempEmbeddedBus } from '../helpers/hub-fixtures.ts';

let bus: EventBus;
let server: Server;
let port: number;
const statuses: number[] = [];
const levels: number[] = [];

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      levels.push((JSON.parse(chunk.toString('utf8')) as { level: number }).level);
      done();
    },
  });
  const config = githubConnector.configSchema.parse({ type: 'github', secret: 'hub-secret' });
  const route = createHooksRoute({
    connectors: new Map<string, ConnectorInstance>([['gh', { name: 'gh', connector: githubConnector, config }]]),
    bus,
    bodyLimit: 1024 * 1024,
    logger: pino({ level: 'info' }, logs),
    now: () => new Date(),
    observe: (_connector, status) => statuses.push(status),
  });
  server = createServer((req, res) => void route(req, res, 'gh'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await bus.close();
});

describe('a sender that hangs up in the middle of its body', () => {
  it('is counted as a bad request (400) and logged as a warning, not as an internal error (500)', async () => {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /hooks/gh HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"zen":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await expect.poll(() => statuses.length).toBe(1);
    expect(statuses).toEqual([400]);
    expect(levels.filter((level) => level >= 50)).toEqual([]);
  });
});
