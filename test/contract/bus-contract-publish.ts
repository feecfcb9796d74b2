/** Contract cases: publish, get, dedup, replay, group-commit concurrency, status. */
import { expect, it } from 'vitest';
import { message } from './bus-contract-helpers.ts';
import type { ContractContext } from './bus-contract.ts';

export function publishCases(ctx: ContractContext): void {
  it('publishes durably and gets a message back by id', async () => {
    const { bus } = ctx.harness();
    const result = await bus.publish('events', message('e1', 'github.push', { ref: 'main', n: 1 }));
    expect(result).toEqual({ duplicate: false });
    const stored = await bus.get('events', 'e1');
    expect(stored).toMatchObject({ id: 'e1', subject: 'github.push', payload: { ref: 'main', n: 1 } });
    expect(stored?.seq).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(stored?.time ?? ''))).toBe(false);
    expect(await bus.get('events', 'missing')).toBeUndefined();
    expect(await bus.get('jobs', 'e1')).toBeUndefined();
  });

  it('stores the JSON text a publisher gives instead of serializing the payload', async () => {
    const { bus } = ctx.harness();
    // JSON.stringify cannot serialize a BigInt: the publish can only succeed on the text.
    await bus.publish('events', { ...message('text1'), payload: { n: 1n }, json: '{ "n": 1, "s": "\u00e9" }' });
    expect((await bus.get('events', 'text1'))?.payload).toEqual({ n: 1, s: 'é' });
  });

  it('stores the same id once and reports the duplicate', async () => {
    const { bus } = ctx.harness();
    expect(await bus.publish('events', message('dup', 'github.push', { v: 1 }))).toEqual({ duplicate: false });
    expect(await bus.publish('events', message('dup', 'github.push', { v: 2 }))).toEqual({ duplicate: true });
    expect((await bus.get('events', 'dup'))?.payload).toEqual({ v: 1 });
    expect(await bus.query({ stream: 'events' })).toHaveLength(1);
    // Dedup is per stream: a job may share an event's id.
    expect(await bus.publish('jobs', message('dup', 'slack', { v: 3 }))).toEqual({ duplicate: false });
  });

  it('bypasses dedup on replay, and get returns the latest copy', async () => {
    const { bus } = ctx.harness();
    await bus.publish('events', message('r1', 'github.push', { v: 1 }));
    const replayed = await bus.publish('events', message('r1', 'github.push', { v: 2 }), { replay: true });
    expect(replayed).toEqual({ duplicate: false });
    const all = await bus.query({ stream: 'events' });
    expect(all.map((m) => m.payload)).toEqual([{ v: 1 }, { v: 2 }]);
    expect((await bus.get('events', 'r1'))?.payload).toEqual({ v: 2 });
  });

  it('treats a content key stored under another id as a duplicate, and lets the same id retry', async () => {
    const { bus } = ctx.harness();
    const signed = (id: string, type: string) => ({ ...message(id, type, { body: 1 }), contentKey: 'gh:abc:0' });
    expect(await bus.publish('events', signed('d1', 'github.push'))).toEqual({ duplicate: false });
    // The same verified body under a new delivery id, even with another (unsigned) event type: a replay.
    expect(await bus.publish('events', signed('d2', 'github.issues'))).toEqual({ duplicate: true });
    expect(await bus.publish('events', signed('d1', 'github.push'))).toEqual({ duplicate: true });
    expect(await bus.get('events', 'd2')).toBeUndefined();
    // Other content, and the same content in the other stream, are new.
    expect(await bus.publish('events', { ...message('d3'), contentKey: 'gh:def:0' })).toEqual({ duplicate: false });
    expect(await bus.publish('jobs', { ...message('d4'), contentKey: 'gh:abc:0' })).toEqual({ duplicate: false });
    expect((await bus.query({ stream: 'events' })).map((m) => m.id)).toEqual(['d1', 'd3']);
  });

  it('stores 200 concurrent distinct publishes exactly once each', async () => {
    const { bus } = ctx.harness();
    const wanted = Array.from({ length: 200 }, (_, i) => `c${i}`);
    const results = await Promise.all(wanted.map((id) => bus.publish('events', message(id))));
    expect(results.every((r) => r.duplicate === false)).toBe(true);
    const stored = await bus.query({ stream: 'events', limit: 1000 });
    expect(stored.map((m) => m.id).sort()).toEqual([...wanted].sort());
    const seqs = stored.map((m) => m.seq);
    expect(new Set(seqs).size).toBe(200);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('dedups concurrent publishes of the same id: exactly one is new', async () => {
    const { bus } = ctx.harness();
    const results = await Promise.all(Array.from({ length: 5 }, () => bus.publish('events', message('same'))));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(await bus.query({ stream: 'events' })).toHaveLength(1);
  });

  it('reports ok status while it can persist', async () => {
    const { bus } = ctx.harness();
    expect((await bus.status()).ok).toBe(true);
  });
}
