/**
 * NATS stays away long enough for the client to give its connection up for good (here: 2 reconnect attempts), or
 * refuses the hub's credentials for a while (the client gives up after repeated authorization errors, whatever its
 * reconnect limit): the hub's bus opens a new connection once NATS takes it again, and its consumers subscribe again on it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

it('opens a new connection after NATS refused the credentials until the client gave up, once they are accepted again', async () => {
  const tokenServer = await startNatsServer({ config: 'authorization { token: "tok-first" }' });
  const config = join(tokenServer.storeDir, 'server.conf');
  const refusals: Error[] = [];
  const open = () => createNatsBus({ url: tokenServer.url, auth: { token: 'tok-first' }, timeoutMs: 2_000 });
  const tokenBus = new RetryingBus({
    kind: 'nats',
    open,
    logger: silentLogger,
    minDelayMs: 100,
    maxDelayMs: 500,
    gaveUp: (e) => refusals.push(e),
  });
  try {
    await tokenBus.firstAttempt;
    await tokenBus.publish('events', message('token-before'));
    await writeFile(config, 'authorization { token: "tok-rotated" }');
    await tokenServer.restart();
    await eventually(() => refusals.length > 0, 'the client to give up after authorization errors', 20_000);
    await writeFile(config, 'authorization { token: "tok-first" }');
    await tokenServer.restart();
    await eventually(async () => (await tokenBus.status()).ok, 'the bus open again once the token is accepted', 20_000);
    expect(await tokenBus.publish('events', message('token-after'))).toEqual({ duplicate: false });
  } finally {
    await tokenBus.close();
    await tokenServer.stop();
  }
});
