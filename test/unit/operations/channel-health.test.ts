import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus, HistoryQuery } from '../../../src/bus/event-bus.ts';
import { loadChannelHealth } from '../../../src/operations/channel-health.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';

let bus: EventBus;
beforeEach(async () => {
  bus = await openTempEmbeddedBus();
});
afterEach(() => bus.close());

const CHANNELS = { ops: { type: 'slack', url: 'https://hooks.example.test/services/T/B/x' } };

/** The bus, counting the jobs its queries hand out: each one's payload is read. */
function countingJobReads(target: EventBus): { bus: EventBus; jobsRead: () => number } {
  let read = 0;
  const counted = new Proxy(target, {
    get(inner, key) {
      if (key === 'query')
        return async (query: HistoryQuery) => {
          const found = await inner.query(query);
          if (query.stream === 'jobs') read += found.length;
          return found;
        };
      const value = Reflect.get(inner, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
    },
  });
  return { bus: counted, jobsRead: () => read };
}

describe('channel health', () => {
  it('finds the newest jobs from the stream head without reading a job to find it', async () => {
    for (let start = 0; start < 3_000; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, k) => {
          const i = start + k;
          const job = { id: `e${i}:r:0`, eventId: `e${i}`, rule: 'r', action: 'notify', params: { channel: 'ops' } };
          await bus.publish('jobs', { id: job.id, subject: 'notify', payload: job });
        }),
      );
    }
    const { bus: counted, jobsRead } = countingJobReads(bus);
    const [ops] = await loadChannelHealth(counted, { channels: CHANNELS, now: () => new Date(), window: 50 });
    expect(ops?.recent.jobs).toBe(50);
    // The window below the head (4 × 50 seqs) and nothing else: a probe for the head read one more job
    // a step (about 2·log2 of the head's seq).
    expect(jobsRead()).toBe(200);
  });
});
