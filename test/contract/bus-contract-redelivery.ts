/** Contract cases: ack-wait redelivery (crash recovery), nak with backoff, term, working. */
import { expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/event-bus.ts';
import { ack, delay, eventually, ids, message, RETENTION_MS } from './bus-contract-helpers.ts';
import type { ContractContext } from './bus-contract.ts';

export function redeliveryCases(ctx: ContractContext): void {
  // After a consumer error (its handler threw, or its process died, before ack, nak or term): the
  // message stays the consumer's, is redelivered after ack wait with deliveryCount + 1, and never holds
  // back the messages behind it. Giving up on it (term, dead letter) is the consumer's decision.
  it('after a consumer error, redelivers the unsettled message after ack wait and keeps delivering the others', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('fails', 'webhook'));
    await bus.publish('jobs', message('fine', 'webhook'));
    // The first delivery of `fails` is left unsettled, as by a handler that failed (or a process that died).
    const onDelivery = async (d: Delivery) => {
      if (d.id !== 'fails' || d.deliveryCount > 1) await d.ack();
    };
    const p = ctx.pumps().start(bus.consume('jobs', 'failing', { ackWaitMs: 500 }), onDelivery);
    await eventually(() => ids(p.received).includes('fine'), 'the message behind the failed one');
    await eventually(() => p.received.filter((d) => d.id === 'fails').length === 2, 'the redelivery after ack wait');
    expect(p.received.filter((d) => d.id === 'fails').map((d) => d.deliveryCount)).toEqual([1, 2]);
  });

  it('retention deletes finished messages past retention, never unfinished ones', async () => {
    const { bus, sweep } = ctx.harness();
    for (const id of ['done', 'leased', 'waiting']) await bus.publish('jobs', message(id, 'webhook'));
    await bus.publish('events', message('unrouted'));
    const onDelivery = async (d: Delivery) => {
      if (d.id === 'done') await d.ack();
    };
    // `leased` is delivered and never settled (ack wait far away); `waiting` is never delivered behind it.
    const p = ctx.pumps().start(bus.consume('jobs', 'keeper', { ackWaitMs: 60_000, batch: 1 }), onDelivery);
    const router = ctx.pumps().start(bus.consume('events', 'router', { ackWaitMs: 60_000 }), () => undefined);
    await eventually(() => router.received.length === 1, 'the event delivered and left unsettled');
    await eventually(() => ids(p.received).includes('leased'), 'the lease');
    await delay(RETENTION_MS + 200);
    await sweep();
    expect(await bus.get('jobs', 'done')).toBeUndefined();
    expect(await bus.get('jobs', 'leased')).toBeDefined();
    expect(await bus.get('jobs', 'waiting')).toBeDefined();
    expect(await bus.get('events', 'unrouted')).toBeDefined();
  });

  // The hub's readers may start later than its writers (workers not started yet, `--role ingress` alone):
  // a stream no consumer has read yet holds nothing but unfinished work.
  it('retention keeps the messages of a stream no consumer has read yet', async () => {
    const { bus, sweep } = ctx.harness();
    await bus.publish('events', message('routed'));
    await bus.publish('jobs', message('unread', 'webhook'));
    const router = ctx.pumps().start(bus.consume('events', 'router'), ack);
    await eventually(() => router.received.length === 1, 'the event routed');
    await delay(RETENTION_MS + 200);
    await sweep();
    expect(await bus.get('events', 'routed')).toBeUndefined();
    expect(await bus.get('jobs', 'unread')).toBeDefined();
    const worker = ctx.pumps().start(bus.consume('jobs', 'workers'), ack);
    await eventually(() => ids(worker.received).includes('unread'), 'the kept job delivered to its first consumer');
  });

  // The worker reads a job's records back (attempt count, an earlier success, its dead letter): they
  // stay while the job is unfinished or dead-lettered, and go with it once it is finished.
  it('retention keeps the history records of unfinished and dead-lettered jobs, and deletes those of finished ones', async () => {
    const { bus, sweep } = ctx.harness();
    for (const id of ['finished', 'dead', 'backoff']) await bus.publish('jobs', message(id, 'webhook'));
    const attempt = (ref: string) => bus.record({ ref, kind: 'attempt', time: new Date().toISOString(), data: { outcome: 'retry' } });
    // Interleaved, so a finished job's records sit both before and behind the kept ones.
    for (const ref of ['finished', 'dead', 'backoff', 'finished']) await attempt(ref);
    const onDelivery = async (d: Delivery) => {
      if (d.id === 'dead')
        await bus.deadLetter({
          id: d.id,
          subject: d.subject,
          payload: d.payload,
          reason: 'permanent failure',
          time: new Date().toISOString(),
          attempts: [],
        });
      // `backoff` waits out a retry delay far beyond the retention.
      await (d.id === 'backoff' ? d.nak(60_000) : d.ack());
    };
    const worker = ctx.pumps().start(bus.consume('jobs', 'workers', { ackWaitMs: 60_000 }), onDelivery);
    await eventually(() => worker.received.length === 3, 'the three jobs delivered');
    await eventually(async () => (await bus.getDeadLetter('dead')) !== undefined, 'the dead letter stored');
    await delay(RETENTION_MS + 200);
    await sweep();
    expect(await bus.records('finished')).toEqual([]);
    expect((await bus.records('dead')).map((r) => r.kind)).toEqual(['attempt']);
    expect((await bus.records('backoff')).map((r) => r.kind)).toEqual(['attempt']);
  });

  it('redelivers an unacked message after ack wait, to a new subscription', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('crash', 'webhook'));
    const first = ctx.pumps().start(bus.consume('jobs', 'worker', { ackWaitMs: 300 }));
    await eventually(() => first.received.length === 1, 'the first delivery');
    expect(first.received[0]?.deliveryCount).toBe(1);
    await first.stop();
    const second = ctx.pumps().start(bus.consume('jobs', 'worker', { ackWaitMs: 300 }), ack);
    await eventually(() => second.received.length >= 1, 'the redelivery');
    expect(second.received[0]).toMatchObject({ id: 'crash', deliveryCount: 2, payload: { id: 'crash' } });
  });

  it('redelivers after a nak delay, not before', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('later', 'webhook'));
    let nakAt = 0;
    const onDelivery = async (d: Delivery) => {
      if (d.deliveryCount === 1) {
        nakAt = Date.now();
        await d.nak(1_500);
      } else await d.ack();
    };
    const p = ctx.pumps().start(bus.consume('jobs', 'backoff', { ackWaitMs: 10_000 }), onDelivery);
    await eventually(() => nakAt > 0, 'the first delivery');
    await delay(700);
    expect(p.received).toHaveLength(1);
    await eventually(() => p.received.length >= 2, 'the delayed redelivery');
    expect(p.received[1]).toMatchObject({ id: 'later', deliveryCount: 2 });
    // Generous margin below the 1.5 s delay for timer granularity.
    expect((p.receivedAt[1] ?? 0) - nakAt).toBeGreaterThanOrEqual(1_200);
  });

  it('redelivers soon after a nak without delay', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('again', 'webhook'));
    const onDelivery = (d: Delivery) => (d.deliveryCount < 3 ? d.nak() : d.ack());
    const p = ctx.pumps().start(bus.consume('jobs', 'retrier', { ackWaitMs: 10_000 }), onDelivery);
    await eventually(() => p.received.length >= 3, 'three deliveries', 5_000);
    expect(p.received.map((d) => d.deliveryCount)).toEqual([1, 2, 3]);
  });

  it('never redelivers a termed message, and keeps delivering others', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('poison', 'webhook'));
    const onDelivery = (d: Delivery) => (d.id === 'poison' ? d.term() : d.ack());
    const p = ctx.pumps().start(bus.consume('jobs', 'terminator', { ackWaitMs: 300 }), onDelivery);
    await eventually(() => p.received.length >= 1, 'the first delivery');
    await bus.publish('jobs', message('fine', 'webhook'));
    await eventually(() => ids(p.received).includes('fine'), 'the next message');
    await delay(1_000);
    expect(ids(p.received).sort()).toEqual(['fine', 'poison']);
  });

  it('extends the lease while working()', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('slow', 'webhook'));
    const p = ctx.pumps().start(bus.consume('jobs', 'slowpoke', { ackWaitMs: 1_000 }));
    await eventually(() => p.received.length === 1, 'the first delivery');
    const delivery = p.received[0] as Delivery;
    for (let i = 0; i < 8; i++) {
      await delay(300);
      await delivery.working();
    }
    expect(p.received).toHaveLength(1);
    await delivery.ack();
    await delay(1_500);
    expect(p.received).toHaveLength(1);
  });
}
