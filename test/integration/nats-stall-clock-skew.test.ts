/**
 * Stall detection on NATS reads when pending messages were stored, on the NATS server's clock. Here the hub's clock
 * runs an hour behind the server's (as if the server's ran ahead): a consumer that takes no work must still be
 * reported stalled after stallAfter, not an hour later.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConsumerHealth } from '../../src/bus/consumer-health.ts';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { message, pump, type Pump } from '../contract/bus-contract-helpers.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

const HOUR = 3_600_000;
let server: NatsServerHandle;
let bus: NatsBus;
let consumer: Pump | undefined;
let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => (release = resolve));

beforeAll(async () => {
  server = await startNatsServer();
  bus = await createNatsBus({ url: server.url, timeoutMs: 2_000 });
});

afterAll(async () => {
  release();
  await consumer?.stop();
  await bus.close();
  await server.stop();
});

it('reports a consumer stalled after stallAfter when the server clock is ahead of the hub', async () => {
  let clock = Date.now() - HOUR;
  const health = createConsumerHealth({ logger: silentLogger, now: () => clock, stallAfterMs: 30_000 });
  const probe = health.probe('workers');
  const subscription = bus.consume('events', 'workers', { ackWaitMs: 60_000 });
  probe.watch(() => subscription.pending());
  // A handler that does not finish: the first delivery is held, the rest wait.
  consumer = pump(subscription, () => held);
  await health.check();
  expect(health.stalls()).toEqual([]);
  for (const id of ['a', 'b', 'c']) await bus.publish('events', message(id));

  await expect
    .poll(async () => {
      clock += 10_000;
      await health.check();
      return health.stalls().map((stall) => stall.consumer);
    })
    .toEqual(['workers']);
});
