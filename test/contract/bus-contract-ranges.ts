/** Contract cases: reads that stay cheap however much is stored, such as a stream's head from metadata. */
import { expect, it } from 'vitest';
import type { ContractContext } from './bus-contract.ts';

export function rangeCases(ctx: ContractContext): void {
  it('tells the newest seq of each stream, 0 for an empty one', async () => {
    const { bus } = ctx.harness();
    expect(await bus.lastSeq('jobs')).toBe(0);
    expect(await bus.lastSeq('events')).toBe(0);
    for (let i = 1; i <= 30; i++) await bus.publish(i % 3 === 0 ? 'jobs' : 'events', { id: `m${i}`, subject: 'a.b', payload: i });
    expect(await bus.lastSeq('jobs')).toBe((await bus.get('jobs', 'm30'))?.seq);
    expect(await bus.lastSeq('events')).toBe((await bus.get('events', 'm29'))?.seq);
    // A duplicate stores nothing, so the head stays where it was.
    await bus.publish('jobs', { id: 'm30', subject: 'a.b', payload: 30 });
    expect(await bus.lastSeq('jobs')).toBe((await bus.get('jobs', 'm30'))?.seq);
  });
}
