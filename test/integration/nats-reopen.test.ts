/**
 * NATS stays away long enough for the client to give its connection up for good (here: 2 reconnect attempts):
 * the hub's bus opens a new connection once NATS is back, and its consumers subscribe again on it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConsumerHealth } from '../../src/bus/consumer-health.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { RetryingBus } from '../../src/bus/retrying-bus.ts';
import { superviseConsumer, type SupervisedConsumer } from '../../src/bus/supervise-consumer.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { eventually, message } from '../contract/bus-contract-helpers.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

let server: NatsServerHandle;
let bus: RetryingBus;
let consumer: SupervisedConsumer | undefined;
const gaveUp: Error[] = [];
const acked: string[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  const open = () => createNatsBus({ url: server.url, timeoutMs: 2_000, maxReconnectAttempts: 2 });
  bus = new RetryingBus({ kind: 'nats', open, logger: silentLogger, minDelayMs: 100, maxDelayMs: 500, gaveUp: (e) => gaveUp.push(e) });
  await bus.firstAttempt;
});

afterAll(async () => {
  await consumer?.stop();
  await bus.close();
  await server.stop();
});

it('opens a new connection after NATS closed the old one for good, with publishes and consumers working again', async () => {
  const probe = createConsumerHealth({ logger: silentLogger, metrics: createMetrics({ processMetrics: false }) }).probe('router');
  consumer = superviseConsumer(
    (onError) => bus.consume('events', 'router', { ackWaitMs: 5_000, onError }),
    async (subscription) => {
      for await (const delivery of subscription) {
        await delivery.ack();
        acked.push(delivery.id);
      }
    },
    probe,
  );
  await bus.publish('events', message('before'));
  await eventually(() => acked.includes('before'), 'the delivery before the outage to be acked');

  await server.halt();
  await eventually(() => gaveUp.length > 0, 'the client to give the connection up', 20_000);
  expect(gaveUp[0]?.message).toMatch(/closed the connection .* for good/);
  expect((await bus.status()).ok).toBe(false);

  await server.restart();
  await eventually(async () => (await bus.status()).ok, 'the bus open again once NATS is back', 20_000);
  expect(await bus.publish('events', message('after'))).toEqual({ duplicate: false });
  await eventually(() => acked.includes('after'), 'the consumer to take a delivery on the new connection', 20_000);
});
