/** Contract cases: retrying a dead letter republishes its job once, and never loses the letter. */
import { expect, it } from 'vitest';
import { DeadLetterBusyError, retryDeadLetters } from '../../src/actions/runtime/dead-letters.ts';
import { REPUBLISH_CLAIM_LEASE_MS, REPUBLISH_CLAIMS_BUCKET } from '../../src/actions/runtime/republish-claim.ts';
import type { DeadLetter, EventBus } from '../../src/bus/event-bus.ts';
import { retryDeadLetterSelection } from '../../src/operations/dead-letter-ops.ts';
import type { ContractContext } from './bus-contract.ts';

function deadLetter(id: string): DeadLetter {
  const time = new Date(Date.now() - 3_600_000).toISOString();
  return { id, subject: 'slack', payload: { id }, reason: `failed ${id}`, time, attempts: [{ status: 500 }] };
}

/** How many copies of job `id` the jobs stream holds. */
async function copies(bus: EventBus, id: string): Promise<number> {
  return (await bus.query({ stream: 'jobs', limit: 1000 })).filter((m) => m.id === id).length;
}

export function retryCases(ctx: ContractContext): void {
  it('republishes a dead letter once when two retries of it race; the other reports it not retried', async () => {
    const { bus } = ctx.harness();
    await bus.deadLetter(deadLetter('twice'));
    const outcomes = await Promise.allSettled([retryDeadLetters(bus, { id: 'twice' }), retryDeadLetters(bus, { id: 'twice' })]);
    const retried = outcomes.filter((o) => o.status === 'fulfilled');
    expect(retried.map((o) => o.value)).toEqual([[{ id: 'twice', subject: 'slack' }]]);
    const refused = outcomes.find((o) => o.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(DeadLetterBusyError);
    expect(await copies(bus, 'twice')).toBe(1);
    expect(await bus.getDeadLetter('twice')).toBeUndefined();
  });

  it('republishes a dead letter once when a bulk retry and a retry by id race', async () => {
    const { bus } = ctx.harness();
    await bus.deadLetter(deadLetter('bulk'));
    const now = () => new Date();
    const [all, byId] = await Promise.all([
      retryDeadLetterSelection(bus, { all: true }, now),
      retryDeadLetterSelection(bus, { ids: ['bulk'] }, now),
    ]);
    expect(all.retried.length + byId.retried.length).toBe(1);
    expect(byId.busy).toEqual(byId.retried.length === 1 ? [] : ['bulk']);
    expect(byId.missing).toEqual([]);
    expect(await copies(bus, 'bulk')).toBe(1);
  });

  it('keeps the dead letter when the republish fails, so a later retry republishes it', async () => {
    const { bus } = ctx.harness();
    const letter = deadLetter('down');
    await bus.deadLetter(letter);
    const failing = new Proxy(bus, {
      get(target, key) {
        if (key === 'publish') return () => Promise.reject(new Error('bus publish failed, message not confirmed: timeout'));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(retryDeadLetters(failing, { id: 'down' })).rejects.toThrow(/not confirmed/);
    expect(await bus.getDeadLetter('down')).toEqual(letter);
    expect(await copies(bus, 'down')).toBe(0);
    expect(await retryDeadLetters(bus, { id: 'down' })).toEqual([{ id: 'down', subject: 'slack' }]);
    expect(await copies(bus, 'down')).toBe(1);
  });

  it('leaves a dead letter whose retry was killed mid-way in place, and retries it once the claim lapses', async () => {
    const { bus } = ctx.harness();
    const letter = deadLetter('killed');
    await bus.deadLetter(letter);
    const start = new Date();
    // What a retry killed between its claim and its publish leaves behind.
    await bus.kv(REPUBLISH_CLAIMS_BUCKET).put('killed', { at: start.getTime() }, { revision: 0 });
    await expect(retryDeadLetters(bus, { id: 'killed' }, () => start)).rejects.toBeInstanceOf(DeadLetterBusyError);
    expect(await bus.getDeadLetter('killed')).toEqual(letter);
    expect(await copies(bus, 'killed')).toBe(0);
    const later = new Date(start.getTime() + REPUBLISH_CLAIM_LEASE_MS);
    expect(await retryDeadLetters(bus, { id: 'killed' }, () => later)).toEqual([{ id: 'killed', subject: 'slack' }]);
    expect(await copies(bus, 'killed')).toBe(1);
    expect(await bus.kv(REPUBLISH_CLAIMS_BUCKET).get('killed')).toBeUndefined();
  });
}
