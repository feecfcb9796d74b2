import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusStreams, EventBus } from '../../../src/bus/event-bus.ts';
import { findHeadSeq, readWindowBefore } from '../../../src/operations/stream-head.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';

let bus: EventBus;
beforeAll(async () => {
  bus = await openTempEmbeddedBus();
});
afterAll(() => bus.close());

describe('stream head and backward windows (contract queries only)', () => {
  it('finds the last seq of each stream, with the other stream interleaved', async () => {
    expect(await findHeadSeq(bus)).toBe(0);
    for (let i = 1; i <= 3000; i++) {
      await bus.publish(i % 3 === 0 ? 'jobs' : 'events', { id: `m${i}`, subject: 'a.b', payload: i });
    }
    const lastEvent = (await bus.get('events', 'm2999'))!.seq;
    const lastJob = (await bus.get('jobs', 'm3000'))!.seq;
    expect(await findHeadSeq(bus)).toBe(lastEvent);
    expect(await bus.lastSeq('jobs')).toBe(lastJob);
  });

  it('reads windows below a seq, newest first, down to the start', async () => {
    const head = await findHeadSeq(bus);
    const seen: number[] = [];
    let before = head + 1;
    while (before > 0) {
      const window = await readWindowBefore<number>(bus, 'events', before, 250);
      seen.push(...window.messages.map((m) => m.payload));
      before = window.nextBefore;
    }
    expect(seen).toHaveLength(2000);
    expect(seen[0]).toBe(2999);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });
});

describe('the head of the events stream', () => {
  /** The bus's lastSeq, counting its calls; every other read fails: the head needs no event nor head read. */
  const onlyLastSeq = (target: EventBus) => {
    const calls: string[] = [];
    const bus = {
      lastSeq: (stream: 'events' | 'jobs') => (calls.push(stream), target.lastSeq(stream)),
      query: () => Promise.reject(new Error('query reads payloads')),
      eventHeads: () => Promise.reject(new Error('eventHeads reads heads')),
    } as Pick<BusStreams, 'lastSeq'>;
    return { bus, calls };
  };

  it('is the last event seq from one lastSeq call, nothing read, also above a span of jobs only', async () => {
    const fresh = await openTempEmbeddedBus();
    try {
      const empty = onlyLastSeq(fresh);
      expect(await findHeadSeq(empty.bus)).toBe(0);
      await fresh.publish('events', { id: 'e1', subject: 'a.b', payload: { data: 'x'.repeat(1000) } });
      await fresh.publish('events', { id: 'e2', subject: 'a.b', payload: { data: 'x'.repeat(1000) } });
      const last = (await fresh.get('events', 'e2'))!.seq;
      for (let start = 0; start < 10_050; start += 150) {
        await Promise.all(
          Array.from({ length: 150 }, (_, k) => fresh.publish('jobs', { id: `j${start + k}`, subject: 'notify', payload: {} })),
        );
      }
      const { bus, calls } = onlyLastSeq(fresh);
      expect(await findHeadSeq(bus)).toBe(last);
      expect(calls).toEqual(['events']);
      // The window below it reads the events before it, none of the jobs after it.
      const window = await readWindowBefore<{ data: string }>(fresh, 'events', last + 1, 10);
      expect(window.messages.map((m) => m.id)).toEqual(['e2', 'e1']);
    } finally {
      await fresh.close();
    }
  });
});
