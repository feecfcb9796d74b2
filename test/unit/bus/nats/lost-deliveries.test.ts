import { describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsBus, type NatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import { createNatsNames, durableName } from '../../../../src/bus/nats/nats-names.ts';
import type { Delivery, Subscription } from '../../../../src/bus/event-bus.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a subscription with a time limit per delivery; a read that timed out is picked up by the next one. */
function reader<T>(sub: Subscription<T>): (withinMs: number) => Promise<Delivery<T> | undefined> {
  const iterator = sub[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<Delivery<T>>> | undefined;
  return async (withinMs) => {
    pending ??= iterator.next();
    const result = await Promise.race([pending, sleep(withinMs).then(() => 'timeout' as const)]);
    if (result === 'timeout') return undefined;
    pending = undefined;
    return result.done === true ? undefined : result.value;
  };
}

/** The router consumer's state as the server sees it, over a connection of its own. */
async function routerInfo(url: string, prefix: string) {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  return {
    info: () => jsm.consumers.info(createNatsNames(prefix).stream('events'), durableName('router')),
    close: () => nc.close(),
  };
}

async function publishAll(bus: NatsBus, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await bus.publish('events', { id: `${prefix}-${i}`, subject: 'github.push', payload: { i } });
}

describe('NATS deliveries held, lost and handed back', () => {
  const natsServer = useNatsServer();

  it('sends a delivery lost on its way again after the short server ack wait, not the subscription’s own', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'lost', lostDeliveryMs: 1_000 });
    const nc = await connect({ servers: natsServer().url });
    try {
      const first = bus.consume('events', 'router', { ackWaitMs: 60_000 });
      await publishAll(bus, 'lost', 1);
      await (await reader(first)(5_000))?.ack();
      await first.stop();
      await bus.publish('events', { id: 'lost-1', subject: 'github.push', payload: {} });
      // Another connection takes the next delivery and drops it, as a consumer leader dying with it would.
      const consumer = await jetstream(nc).consumers.get(createNatsNames('lost').stream('events'), durableName('router'));
      expect((await consumer.next({ expires: 2_000 }))?.info.deliveryCount).toBe(1);

      const started = Date.now();
      const second = bus.consume('events', 'router', { ackWaitMs: 60_000 });
      const again = await reader(second)(8_000);
      expect(again?.id).toBe('lost-1');
      expect(again?.deliveryCount).toBe(2);
      expect(Date.now() - started).toBeLessThan(3_000);
      await again?.ack();
      await second.stop();
    } finally {
      await nc.close();
      await bus.close();
    }
  });

  it('keeps a delivery its subscriber holds from coming again until the subscription’s own ack wait, from its last working()', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'held', lostDeliveryMs: 600 });
    try {
      const sub = bus.consume('events', 'router', { ackWaitMs: 2_500 });
      const read = reader(sub);
      await publishAll(bus, 'held', 1);
      const first = await read(5_000);
      expect(first?.deliveryCount).toBe(1);
      // Three server ack waits: kept alive.
      expect(await read(1_800)).toBeUndefined();
      await first?.working();
      const worked = Date.now();
      expect(await read(1_800)).toBeUndefined();
      const again = await read(4_000);
      expect(again?.id).toBe('held-0');
      expect(again?.deliveryCount).toBe(2);
      expect(Date.now() - worked).toBeGreaterThanOrEqual(2_500);
      await again?.ack();
      await sub.stop();
    } finally {
      await bus.close();
    }
  });

  it('has no more delivered to it than its batch: what it holds leaves room for nothing else', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'room' });
    const router = await routerInfo(natsServer().url, 'room');
    const info = router.info;
    try {
      const sub = bus.consume('events', 'router', { batch: 3 });
      const read = reader(sub);
      await publishAll(bus, 'room', 10);
      const taken = [await read(5_000), await read(5_000), await read(5_000)];
      expect(taken.map((d) => d?.id)).toEqual(['room-0', 'room-1', 'room-2']);
      expect(await read(500)).toBeUndefined();
      expect((await info()).num_ack_pending).toBe(3);

      await taken[0]?.ack();
      expect((await read(5_000))?.id).toBe('room-3');
      await sleep(300);
      const after = await info();
      expect(after.num_ack_pending).toBe(3);
      expect(after.delivered.consumer_seq).toBe(4);
      await sub.stop();
    } finally {
      await router.close();
      await bus.close();
    }
  });

  it('stops counting a delivery nobody settles once its ack wait is up, so its batch does not shrink for good', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'drop' });
    try {
      const sub = bus.consume('events', 'router', { batch: 2, ackWaitMs: 800 });
      const read = reader(sub);
      await publishAll(bus, 'drop', 2);
      const dropped = [await read(5_000), await read(5_000)];
      expect(dropped.map((d) => d?.deliveryCount)).toEqual([1, 1]);
      const again = [await read(5_000), await read(5_000)];
      expect(again.map((d) => `${d?.id} #${d?.deliveryCount}`).sort()).toEqual(['drop-0 #2', 'drop-1 #2']);
      for (const delivery of again) await delivery?.ack();
      await sub.stop();
    } finally {
      await bus.close();
    }
  });

  it('hands back at once what it pulled and never handed out when it stops', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'back' });
    const router = await routerInfo(natsServer().url, 'back');
    const info = router.info;
    try {
      const first = bus.consume('events', 'router', { batch: 5 });
      await publishAll(bus, 'back', 5);
      const held = await reader(first)(5_000);
      for (let waited = 0; (await info()).num_ack_pending < 5 && waited < 3_000; waited += 50) await sleep(50);
      expect((await info()).num_ack_pending).toBe(5);
      await first.stop();

      const second = bus.consume('events', 'router', { batch: 5 });
      const read = reader(second);
      const ids: (string | undefined)[] = [];
      for (let i = 0; i < 4; i++) ids.push((await read(3_000))?.id);
      expect(ids).toEqual(['back-1', 'back-2', 'back-3', 'back-4']);
      await held?.ack();
      await second.stop();
    } finally {
      await router.close();
      await bus.close();
    }
  });
});
