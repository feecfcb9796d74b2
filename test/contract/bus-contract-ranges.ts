/** Contract cases: reads that stay cheap however much is stored: records and dead letters read with other work let in between, seq windows, and a stream's head from metadata. */
import { expect, it } from 'vitest';
import type { EventBus, HistoryRecord } from '../../src/bus/event-bus.ts';
import type { ContractContext } from './bus-contract.ts';
import { loopTurnsDuring } from '../helpers/loop-turns.ts';

const HOUR = 3_600_000;

/** 3,000 records in order, 100 at a time: two attempts, then a rule outcome, and so on. */
async function recordMany(bus: EventBus): Promise<void> {
  for (let start = 0; start < 3_000; start += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, k) => {
        const i = start + k;
        const kind = i % 3 === 2 ? 'rule' : 'attempt';
        return bus.record({ ref: `j${i}`, kind, time: new Date().toISOString(), data: { i, outcome: 'success', latencyMs: i % 97 } });
      }),
    );
  }
}

const order = (records: readonly HistoryRecord[]) => records.map((r) => r.data.i as number);

export function rangeCases(ctx: ContractContext): void {
  it('reads a large range of records with other work let in between, the newest up to a limit, oldest first', async () => {
    const { bus } = ctx.harness();
    const since = new Date(Date.now() - 1);
    await recordMany(bus);
    const until = new Date(Date.now() + HOUR);
    const attempts = Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 3 !== 2);
    const { result: all, turns } = await loopTurnsDuring(() => bus.recordRange({ since, until, kinds: ['attempt'], limit: 50_000 }));
    expect(all.truncated).toBe(false);
    expect(order(all.records)).toEqual(attempts);
    expect(all.records[0]).toMatchObject({ ref: 'j0', kind: 'attempt', data: { i: 0, outcome: 'success', latencyMs: 0 } });
    // 3,000 records in one synchronous read would let nothing else run until it is done.
    expect(turns).toBeGreaterThan(0);
    const exact = await bus.recordRange({ since, until, kinds: ['attempt'], limit: attempts.length });
    expect({ truncated: exact.truncated, count: exact.records.length }).toEqual({ truncated: false, count: 2_000 });
    const newest = await bus.recordRange({ since, until, kinds: ['attempt'], limit: 1_500 });
    expect(newest.truncated).toBe(true);
    expect(order(newest.records)).toEqual(attempts.slice(-1_500));
    const rules = await bus.recordRange({ since, until, kinds: ['rule', 'attempt'], limit: 2_999 });
    expect(rules.truncated).toBe(true);
    expect(order(rules.records)).toEqual(Array.from({ length: 2_999 }, (_, i) => i + 1));
  });

  it('reads a page of dead letters with other work let in between, the same letters as smaller pages', async () => {
    const { bus } = ctx.harness();
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < 130; i++) {
      const time = new Date(start + i * 1_000).toISOString();
      await bus.deadLetter({
        id: `d${i}`,
        subject: 'webhook',
        payload: { id: `d${i}`, body: 'x'.repeat(2_000) },
        reason: 'failed',
        time,
        attempts: [{ status: 500 }],
      });
    }
    const { result: page, turns } = await loopTurnsDuring(() => bus.deadLetterPage({ limit: 120 }));
    expect(page.letters.map((l) => l.id)).toEqual(Array.from({ length: 120 }, (_, i) => `d${129 - i}`));
    expect(page.letters[0]).toMatchObject({ payload: { id: 'd129' }, attempts: [{ status: 500 }] });
    // 120 letters in one synchronous read would let nothing else run until it is done.
    expect(turns).toBeGreaterThan(0);
    const rest = await bus.deadLetterPage({ limit: 120, ...(page.next ? { cursor: page.next } : {}) });
    expect({ ids: rest.letters.map((l) => l.id), next: rest.next }).toEqual({
      ids: Array.from({ length: 10 }, (_, i) => `d${9 - i}`),
      next: undefined,
    });
    const exact = await bus.deadLetterPage({ limit: 130 });
    expect({ count: exact.letters.length, next: exact.next }).toEqual({ count: 130, next: undefined });
  });

  it('pages dead letters across letters taken from between them, each remaining letter once, newest first', async () => {
    const { bus } = ctx.harness();
    const start = Date.now() - 3_600_000;
    for (let i = 0; i < 200; i++)
      await bus.deadLetter({
        id: `g${i}`,
        subject: 'webhook',
        payload: { i },
        reason: 'failed',
        time: new Date(start + i * 1_000).toISOString(),
        attempts: [],
      });
    // A stretch of 150 taken (wider than a window), and every seventh of the others.
    const taken = (i: number) => (i >= 20 && i < 170) || i % 7 === 0;
    for (let i = 0; i < 200; i++) if (taken(i)) expect(await bus.takeDeadLetter(`g${i}`)).toBeDefined();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bus.deadLetterPage({ limit: 5, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.letters.map((l) => l.id));
      cursor = page.next;
    } while (cursor !== undefined);
    const left = Array.from({ length: 200 }, (_, i) => 199 - i).filter((i) => !taken(i));
    expect(seen).toEqual(left.map((i) => `g${i}`));
  });

  it('reads a window of seqs, nothing above its end', async () => {
    const { bus } = ctx.harness();
    for (let i = 1; i <= 30; i++) await bus.publish(i % 3 === 0 ? 'jobs' : 'events', { id: `w${i}`, subject: 'a.b', payload: i });
    const seqOf = async (id: string) => (await bus.get('jobs', id))?.seq ?? 0;
    const [from, before] = [await seqOf('w9'), await seqOf('w21')];
    const window = await bus.query<number>({ stream: 'jobs', afterSeq: from, beforeSeq: before, limit: 100 });
    expect(window.map((m) => m.payload)).toEqual([12, 15, 18]);
    expect(await bus.query({ stream: 'jobs', afterSeq: from, beforeSeq: from + 1 })).toEqual([]);
    const below = await bus.query<number>({ stream: 'jobs', beforeSeq: before, limit: 2 });
    expect(below.map((m) => m.payload)).toEqual([3, 6]);
  });

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
