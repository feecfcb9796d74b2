/** Contract cases: durable consumers, ack, fan-out across names, work sharing within a name. */
import { expect, it } from 'vitest';
import { ack, delay, eventually, ids, message } from './bus-contract-helpers.ts';
import type { Delivery } from '../../src/bus/event-bus.ts';
import type { ContractContext } from './bus-contract.ts';

export function consumeCases(ctx: ContractContext): void {
  it('delivers to a consumer and does not redeliver after ack', async () => {
    const { bus } = ctx.harness();
    for (const id of ['a1', 'a2', 'a3']) await bus.publish('events', message(id));
    const p = ctx.pumps().start(bus.consume('events', 'acker', { ackWaitMs: 300 }), ack);
    await eventually(() => p.received.length >= 3, '3 deliveries');
    expect(ids(p.received).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(p.received.map((d) => d.deliveryCount)).toEqual([1, 1, 1]);
    expect(p.received[0]).toMatchObject({ subject: 'github.push', payload: { id: p.received[0]?.id } });
    // Three ack waits pass: an acked message must not come back.
    await delay(1_000);
    expect(p.received).toHaveLength(3);
  });

  it('tells how far a consumer has finished: up to its oldest unfinished message', async () => {
    const { bus } = ctx.harness();
    expect(await bus.finishedThrough('events', 'floor')).toBe(0);
    for (const id of ['f1', 'f2', 'f3']) await bus.publish('events', message(id));
    const seqOf = async (id: string) => (await bus.get('events', id))?.seq ?? -1;
    const held: Delivery[] = [];
    // f2 stays unsettled; f1 and f3 are acked.
    const p = ctx.pumps().start(bus.consume('events', 'floor', { ackWaitMs: 60_000 }), async (d) => {
      if (d.id === 'f2') held.push(d);
      else await d.ack();
    });
    await eventually(() => p.received.length === 3, 'three deliveries');
    await eventually(async () => (await bus.finishedThrough('events', 'floor')) === (await seqOf('f1')), 'f1 finished');
    await held[0]?.ack();
    await eventually(async () => (await bus.finishedThrough('events', 'floor')) === (await seqOf('f3')), 'all three finished');
    expect(await bus.finishedThrough('events', 'other')).toBe(0);
  });

  it('finishes unread the messages a consumer does not want, and tells it how many', async () => {
    const { bus } = ctx.harness();
    // More turned-down messages than one embedded lease finishes, then a wanted one.
    const unwanted = Array.from({ length: 600 }, (_, i) => message(`u${i}`, 'github.star'));
    for (let i = 0; i < unwanted.length; i += 100) await Promise.all(unwanted.slice(i, i + 100).map((m) => bus.publish('events', m)));
    await bus.publish('events', message('w1', 'github.push'));
    let skipped = 0;
    const asked: string[] = [];
    const wants = (subject: string): boolean => {
      asked.push(subject);
      return subject === 'github.push';
    };
    const p = ctx.pumps().start(bus.consume('events', 'picky', { ackWaitMs: 300, wants, onSkipped: (n) => (skipped += n) }), ack);
    await eventually(() => p.received.length === 1 && skipped === 600, 'the wanted message, and 600 skipped');
    expect(ids(p.received)).toEqual(['w1']);
    expect(asked.filter((s) => s === 'github.star')).toHaveLength(600);
    const last = (await bus.get('events', 'w1'))?.seq ?? -1;
    await eventually(async () => (await bus.finishedThrough('events', 'picky')) === last, 'all 601 finished');
    // Finished means finished: nothing comes back after several ack waits, and the wants is asked again only for new ones.
    await bus.publish('events', message('u-late', 'github.star'));
    await eventually(() => skipped === 601, 'the later unwanted one skipped');
    await delay(1_000);
    expect(p.received).toHaveLength(1);
    expect(asked).toHaveLength(602);
  });

  it('delivers messages published before the first subscribe, and after it', async () => {
    const { bus } = ctx.harness();
    for (const id of ['old1', 'old2']) await bus.publish('jobs', message(id, 'slack'));
    const p = ctx.pumps().start(bus.consume('jobs', 'late-joiner', { ackWaitMs: 5_000 }), ack);
    await eventually(() => p.received.length >= 2, 'the two older messages');
    await bus.publish('jobs', message('new1', 'slack'));
    await eventually(() => p.received.length >= 3, 'the newer message');
    expect(ids(p.received).sort()).toEqual(['new1', 'old1', 'old2']);
  });

  it('gives every message to each consumer name', async () => {
    const { bus } = ctx.harness();
    const wanted = ['f1', 'f2', 'f3', 'f4', 'f5'];
    for (const id of wanted) await bus.publish('events', message(id));
    const a = ctx.pumps().start(bus.consume('events', 'router', { ackWaitMs: 5_000 }), ack);
    const b = ctx.pumps().start(bus.consume('events', 'auditor', { ackWaitMs: 5_000 }), ack);
    await eventually(() => a.received.length >= 5 && b.received.length >= 5, 'both consumers to get 5');
    expect(ids(a.received).sort()).toEqual(wanted);
    expect(ids(b.received).sort()).toEqual(wanted);
  });

  it('shares work between subscriptions with the same consumer name', async () => {
    const { bus } = ctx.harness();
    const wanted = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    const one = ctx.pumps().start(bus.consume('jobs', 'workers', { ackWaitMs: 10_000, batch: 4 }), ack);
    const two = ctx.pumps().start(bus.consume('jobs', 'workers', { ackWaitMs: 10_000, batch: 4 }), ack);
    await Promise.all(wanted.map((id) => bus.publish('jobs', message(id, 'webhook'))));
    const total = () => one.received.length + two.received.length;
    await eventually(() => total() >= wanted.length, `${wanted.length} deliveries overall`);
    await delay(500);
    const all = [...ids(one.received), ...ids(two.received)];
    expect(all.sort()).toEqual(wanted);
  });

  it('does not deliver a message to a name that acked it, after a new subscription', async () => {
    const { bus } = ctx.harness();
    await bus.publish('events', message('once'));
    const first = ctx.pumps().start(bus.consume('events', 'durable', { ackWaitMs: 300 }), ack);
    await eventually(() => first.received.length === 1, 'the first delivery');
    await first.stop();
    await bus.publish('events', message('twice'));
    const second = ctx.pumps().start(bus.consume('events', 'durable', { ackWaitMs: 300 }), ack);
    await eventually(() => second.received.length >= 1, 'the second message');
    await delay(800);
    expect(ids(second.received)).toEqual(['twice']);
  });
}
