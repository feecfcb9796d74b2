import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus, HistoryQuery } from '../../../src/bus/event-bus.ts';
import { loadChannelHealth } from '../../../src/operations/channel-health.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';
import { loopTurnsDuring } from '../../helpers/loop-turns.ts';

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
  it('shows until when the delivery worker holds back a channel that answered 429', async () => {
    const now = () => new Date('2026-01-01T00:00:00Z');
    const pausedFor = (key: string): number => (key === 'channel:ops' ? 30_000 : 0);
    const channels = { ...CHANNELS, dev: { type: 'slack', url: 'https://hooks.example.test/services/T/B/y' } };
    const health = await loadChannelHealth(bus, { channels, now, pausedFor });
    expect(health.find((c) => c.name === 'ops')?.pausedUntil).toBe('2026-01-01T00:00:30.000Z');
    expect(health.find((c) => c.name === 'dev')).not.toHaveProperty('pausedUntil');
  });

  it('a channel that answered 429 to many jobs in a row is rate limited, not failing, and its circuit stays closed', async () => {
    const now = new Date('2026-01-01T00:10:00Z');
    const limited = (i: number) => ({ outcome: 'retry', status: 429, rateLimited: true, attempt: 1, error: `429 #${i}` });
    for (let i = 0; i < 6; i++) {
      const job = { id: `e${i}:r:0`, eventId: `e${i}`, rule: 'r', action: 'notify', params: { channel: 'ops' } };
      await bus.publish('jobs', { id: job.id, subject: 'notify', payload: job });
      await bus.record({ ref: job.id, kind: 'attempt', time: `2026-01-01T00:09:5${i}.000Z`, data: limited(i) });
    }
    // Without the worker's breaker (another process), the circuit is replayed from the records.
    const [ops] = await loadChannelHealth(bus, { channels: CHANNELS, now: () => now });
    expect(ops).toMatchObject({ circuit: 'closed', circuitSource: 'history' });
    expect(ops?.recent).toMatchObject({ jobs: 6, failing: 0, rateLimited: 6, dead: 0 });
  });

  it('429s between failures neither count towards the inferred circuit nor break the run of failures', async () => {
    const now = new Date('2026-01-01T00:10:00Z');
    const job = { id: 'e1:r:0', eventId: 'e1', rule: 'r', action: 'notify', params: { channel: 'ops' } };
    await bus.publish('jobs', { id: job.id, subject: 'notify', payload: job });
    for (let i = 0; i < 9; i++) {
      const data = i % 2 ? { outcome: 'retry', status: 429, rateLimited: true } : { outcome: 'retry', status: 503 };
      await bus.record({ ref: job.id, kind: 'attempt', time: `2026-01-01T00:09:5${i}.000Z`, data });
    }
    const [ops] = await loadChannelHealth(bus, { channels: CHANNELS, now: () => now });
    // Five 503s in a row (the 429s in between left out) open it, as they do the worker's breaker.
    expect(ops?.circuit).toBe('open');
    expect(ops?.recent).toMatchObject({ failing: 1, rateLimited: 0 });
  });

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
    // Slices of 20 seqs below the head until 50 jobs are found, and nothing else: a probe for the head
    // read one more job a step (about 2·log2 of the head's seq), and the whole window (4 × 50 seqs) was
    // read in one go.
    expect(jobsRead()).toBe(60);
  });

  it('reads its window of jobs a slice at a time, with other work let in between, for the same answer', async () => {
    const channels = { ...CHANNELS, dev: { type: 'slack', url: 'https://hooks.example.test/services/T/B/y' } };
    const time = new Date().toISOString();
    for (let start = 0; start < 600; start += 100) {
      const writes = Array.from({ length: 100 }, (_, k) => start + k).flatMap((i) => {
        const job = {
          id: `e${i}:r:0`,
          eventId: `e${i}`,
          rule: 'r',
          action: 'notify',
          params: { channel: i % 3 ? 'ops' : 'dev', text: 'x'.repeat(2_000) },
        };
        // Events and jobs share the embedded bus's seqs: a window of seqs holds half as many jobs.
        return [
          bus.publish('events', { id: `e${i}`, subject: 'a.b', payload: { i } }),
          bus.publish('jobs', { id: job.id, subject: 'notify', payload: job }),
          ...(i % 5 === 0 ? [bus.record({ ref: job.id, kind: 'attempt', time, data: { outcome: i % 2 ? 'success' : 'retry' } })] : []),
        ];
      });
      await Promise.all(writes);
    }
    const { bus: counted, jobsRead } = countingJobReads(bus);
    const { result, turns } = await loopTurnsDuring(() => loadChannelHealth(counted, { channels, now: () => new Date(), window: 200 }));
    // The newest 200 jobs (e400 to e599): 134 for ops, 66 for dev; an attempt on every 5th, every other one a success.
    expect(result.map((c) => [c.name, c.recent.jobs, c.recent.delivered, c.recent.failing])).toEqual([
      ['ops', 134, 13, 14],
      ['dev', 66, 7, 6],
    ]);
    // Each slice reads the jobs of its seqs and no job above them: 200 jobs, not the 400 of the whole window.
    expect(jobsRead()).toBe(200);
    // One query for the whole window would let nothing else run until it is done.
    expect(turns).toBeGreaterThan(5);
  });
});
