/** Contract cases for backends whose harness can reopen the same storage (a restart). */
import { expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { ack, eventually, message } from './bus-contract-helpers.ts';
import type { ContractContext } from './bus-contract.ts';

export function restartCases(ctx: ContractContext): void {
  async function restart(): Promise<EventBus> {
    await ctx.pumps().stopAll();
    const reopen = ctx.harness().reopen;
    if (!reopen) throw new Error('restart cases need the harness to supply reopen()');
    return reopen();
  }

  it('keeps messages, dedup and dead letters across a restart', async () => {
    const { bus } = ctx.harness();
    await bus.publish('events', message('kept', 'github.push', { v: 1 }));
    const dl = { id: 'j1', subject: 'slack', payload: {}, reason: 'x', time: new Date().toISOString(), attempts: [] };
    await bus.deadLetter(dl);
    const reopened = await restart();
    expect((await reopened.get('events', 'kept'))?.payload).toEqual({ v: 1 });
    expect(await reopened.publish('events', message('kept'))).toEqual({ duplicate: true });
    expect(await reopened.deadLetters()).toEqual([dl]);
  });

  it('redelivers an unacked message after a restart', async () => {
    const { bus } = ctx.harness();
    await bus.publish('jobs', message('inflight', 'webhook'));
    const before = ctx.pumps().start(bus.consume('jobs', 'worker', { ackWaitMs: 300 }));
    await eventually(() => before.received.length === 1, 'the first delivery');
    const reopened = await restart();
    const after = ctx.pumps().start(reopened.consume('jobs', 'worker', { ackWaitMs: 300 }), ack);
    await eventually(() => after.received.length >= 1, 'the redelivery after restart');
    expect(after.received[0]).toMatchObject({ id: 'inflight', deliveryCount: 2 });
  });
}
