import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../src/bus/event-bus.ts';
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
    expect(await findHeadSeq(bus, 'jobs')).toBe(lastJob);
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
