/** Contract cases: the pending work a subscription reports (readiness): never delivered, and due redeliveries. */
import { expect, it } from 'vitest';
import type { Delivery, Subscription } from '../../src/bus/event-bus.ts';
import { eventually, message } from './bus-contract-helpers.ts';
import type { ContractContext } from './bus-contract.ts';

/** The next delivery of an iterator the test reads by hand (a subscriber that may stop taking more). */
async function next(deliveries: AsyncIterator<Delivery>): Promise<Delivery> {
  const result = await deliveries.next();
  if (result.done === true) throw new Error('the subscription ended instead of delivering');
  return result.value;
}

async function pendingCount(sub: Subscription): Promise<number> {
  return (await sub.pending()).count;
}

export function pendingCases(ctx: ContractContext): void {
  it('pending counts a delivery whose handler hung past its ack wait, not one waiting out a nak delay', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('hung', 'webhook'));
    await bus.publish('jobs', message('later', 'webhook'));
    const stored = await bus.get('jobs', 'hung');
    const sub = bus.consume('jobs', 'workers', { ackWaitMs: 300 });
    const deliveries = sub[Symbol.asyncIterator]();
    const taken = [await next(deliveries), await next(deliveries)];
    // `later` is put back for a minute; `hung` is never settled, and the subscriber takes nothing more.
    await taken.find((d) => d.id === 'later')?.nak(60_000);

    await eventually(async () => (await pendingCount(sub)) === 1, 'the hung delivery counted once its ack wait is up');
    expect((await sub.pending()).oldestMs).toBe(Date.parse(stored?.time ?? ''));
    const again = await next(deliveries);
    expect(again).toMatchObject({ id: 'hung', deliveryCount: 2 });
    await again.ack();
    await eventually(async () => (await pendingCount(sub)) === 0, 'nothing pending but the delayed one');
    await sub.stop();
  });

  // A hub restarted after a crash whose router waits for its rules: the events the dead one held are its work.
  it('pending counts what a dead subscriber held, for a subscription of the consumer that takes nothing yet', async () => {
    const { bus } = ctx.harness();
    await bus.publish('events', message('held'));
    const stored = await bus.get('events', 'held');
    const dead = bus.consume('events', 'router', { ackWaitMs: 300 });
    expect((await next(dead[Symbol.asyncIterator]())).id).toBe('held');
    await dead.stop();

    const waiting = bus.consume('events', 'router', { ackWaitMs: 300 });
    await eventually(async () => (await pendingCount(waiting)) === 1, 'the held event counted');
    expect((await waiting.pending()).oldestMs).toBe(Date.parse(stored?.time ?? ''));
    await waiting.stop();
  });
}
