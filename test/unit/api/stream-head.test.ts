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
  it('finds the last seq of each stream, with the other stream interleaved and from any hint', async () => {
    expect(await findHeadSeq(bus, 'events')).toBe(0);
    for (let i = 1; i <= 3000; i++) {
      await bus.publish(i % 3 === 0 ? 'jobs' : 'events', { id: `m${i}`, subject: 'a.b', payload: i });
    }
    const lastEvent = (await bus.get('events', 'm2999'))!.seq;
    const lastJob = (await bus.get('jobs', 'm3000'))!.seq;
    for (const hint of [0, 1, 500, lastEvent, lastEvent + 10_000]) expect(await findHeadSeq(bus, 'events', hint)).toBe(lastEvent);
    expect(await bus.lastSeq('jobs')).toBe(lastJob);
  });

  it('reads windows below a seq, newest first, down to the start', async () => {
    const head = await findHeadSeq(bus, 'events');
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
  /** The bus minus its payload reads: the events head must come from event heads. */
  const noEventPayloads = (target: EventBus): Pick<BusStreams, 'query' | 'eventHeads'> => ({
    query: () => Promise.reject(new Error('query reads payloads')),
    eventHeads: (query) => target.eventHeads(query),
  });

  it('is found without reading an event payload, also below a span of jobs only', async () => {
    const fresh = await openTempEmbeddedBus();
    try {
      expect(await findHeadSeq(noEventPayloads(fresh), 'events')).toBe(0);
      await fresh.publish('events', { id: 'e1', subject: 'a.b', payload: { data: 'x'.repeat(1000) } });
      await fresh.publish('events', { id: 'e2', subject: 'a.b', payload: { data: 'x'.repeat(1000) } });
      const last = (await fresh.get('events', 'e2'))!.seq;
      for (let i = 0; i < 10_050; i++) await fresh.publish('jobs', { id: `j${i}`, subject: 'notify', payload: {} });
      for (const hint of [0, last, last + 50_000]) expect(await findHeadSeq(noEventPayloads(fresh), 'events', hint)).toBe(last);
    } finally {
      await fresh.close();
    }
  });
});
