/**
 * The live stream's poller reports to consumer health like the hub's other background loops: its
 * failures count in hookhub_consumer_errors_total{consumer="event-stream"} and a streak of them is a
 * failing loop on /readyz, but a poller stopped because nobody listens is neither failing nor ageing.
 */
import { get, createServer, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EventStream } from '../../src/api/event-stream.ts';
import { createConsumerHealth, type ConsumerHealth } from '../../src/bus/consumer-health.ts';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import { eventually, silentLogger } from '../helpers/hub-fixtures.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

const viewer = { name: 'ana', role: 'viewer' as const, via: 'bearer' as const };

let nats: NatsServerHandle;
let bus: NatsBus;
let server: Server;
let stream: EventStream;
let metrics: Metrics;
let health: ConsumerHealth;
// Consumer health's clock: moved by hand past readiness.stallAfter instead of waiting for it.
let clock = 0;

beforeAll(async () => {
  nats = await startNatsServer();
  bus = await createNatsBus({ url: nats.url, prefix: `stream${process.pid}`, timeoutMs: 1_000 });
  metrics = createMetrics({ processMetrics: false });
  health = createConsumerHealth({ logger: silentLogger, metrics, now: () => clock, stallAfterMs: 30_000 });
  stream = new EventStream({ bus, logger: silentLogger, now: () => new Date(), intervalMs: 20, probe: health.probe('event-stream') });
  server = createServer((req, res) => void stream.subscribe(req, res, { filter: {}, principal: viewer }).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  stream?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await bus?.close();
  await nats?.stop();
});

async function listen(): Promise<ClientRequest> {
  let received = '';
  const request = get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (res) =>
    res.on('data', (chunk: Buffer) => (received += chunk.toString())),
  );
  request.on('error', () => undefined);
  await eventually(() => received.includes('event: ready'), 10_000, 'the stream to open');
  return request;
}

async function metricsText(): Promise<string> {
  await health.check();
  return metrics.registry.metrics();
}

const sinceProgress = 'hookhub_consumer_seconds_since_progress{consumer="event-stream"}';

it('counts the poller failures while someone listens, and nothing once nobody does', async () => {
  const first = await listen();
  await eventually(async () => (await metricsText()).includes(sinceProgress), 10_000, 'the poller to report a pass');

  await nats.halt();
  await eventually(
    // Two failed polls at least: one alone never makes a failing loop.
    async () =>
      /hookhub_consumer_errors_total\{consumer="event-stream",reason="bus_unreachable"\} ([2-9]|\d{2,})/.test(await metricsText()),
    20_000,
    'two failed polls to be counted',
  );
  clock += 31_000;
  await health.check();
  expect(health.failingLoops()).toEqual([
    {
      loop: 'event-stream',
      reason: 'NATS cannot be reached (bus unreachable)',
      failingSeconds: 31,
      failures: expect.any(Number) as number,
    },
  ]);

  // The last listener leaves while the bus is still down: the stopped poller is not a failing loop.
  first.destroy();
  await eventually(async () => !(await metricsText()).includes(sinceProgress), 10_000, 'the poller to go idle');
  clock += 60_000;
  expect(await metricsText()).not.toContain(sinceProgress);
  expect(health.failingLoops()).toEqual([]);

  await nats.restart();
  await eventually(async () => (await bus.status()).ok, 20_000, 'the bus to reconnect');
  const second = await listen();
  await eventually(async () => (await metricsText()).includes(`${sinceProgress} 0`), 20_000, 'the poller to pass again');
  expect(health.failingLoops()).toEqual([]);
  second.destroy();
}, 90_000);
