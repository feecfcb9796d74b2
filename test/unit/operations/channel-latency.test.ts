import { afterEach, beforeEach, expect, it } from 'vitest';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { loadChannelLatency } from '../../../src/operations/channel-latency.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';

const HOUR = 3_600_000;
let bus: EventBus;
beforeEach(async () => {
  bus = await openTempEmbeddedBus();
});
afterEach(() => bus.close());

/** Nearest-rank percentiles and the error rate of some attempts, worked out the plain way. */
function expected(points: { latencyMs: number; ok: boolean }[]) {
  const failures = points.filter((p) => !p.ok).length;
  const base = { attempts: points.length, failures, errorRate: points.length === 0 ? 0 : failures / points.length };
  if (points.length === 0) return base;
  const sorted = points.map((p) => p.latencyMs).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { ...base, p50Ms: at(0.5), p99Ms: at(0.99) };
}

it('gives each channel and hour the same latencies and error rates from thousands of attempts, read and tallied in slices', async () => {
  const now = new Date();
  const end = Math.floor(now.getTime() / HOUR + 1) * HOUR;
  const since = end - 24 * HOUR;
  const points = Array.from({ length: 12_000 }, (_, i) => ({
    channel: ['ops', 'eng', 'elsewhere'][i % 3]!,
    // Spread over the day, and a few before it: an attempt's own time decides its hour.
    time: Math.min(now.getTime(), since - HOUR + ((i * 7_919) % (25 * HOUR))),
    latencyMs: 1 + ((i * 37) % 500) + (i % 7) / 10,
    ok: i % 11 !== 0,
  }));
  for (let start = 0; start < points.length; start += 500)
    await Promise.all(
      points.slice(start, start + 500).map((p, k) =>
        bus.record({
          ref: `j${start + k}`,
          kind: 'attempt',
          time: new Date(p.time).toISOString(),
          data: { outcome: p.ok ? 'success' : 'retry', latencyMs: p.latencyMs, channel: p.channel },
        }),
      ),
    );
  const charts = await loadChannelLatency(bus, ['ops', 'eng', 'idle'], now);
  expect(charts).toEqual(
    ['ops', 'eng', 'idle'].map((name) => {
      const mine = points.filter((p) => p.channel === name && p.time >= since && p.time < end);
      const hours = Array.from({ length: 24 }, (_, i) => ({
        start: new Date(since + i * HOUR).toISOString(),
        ...expected(mine.filter((p) => p.time >= since + i * HOUR && p.time < since + (i + 1) * HOUR)),
      }));
      return { name, ...expected(mine), hours, truncated: false };
    }),
  );
  expect(charts[0]?.attempts).toBeGreaterThan(3_000);
});

it('does not count a rate-limited attempt (429) as a failure of its channel', async () => {
  const now = new Date();
  const time = new Date(now.getTime() - 60_000).toISOString();
  const attempts = [
    { outcome: 'success', latencyMs: 10 },
    { outcome: 'retry', latencyMs: 20, rateLimited: true },
    { outcome: 'retry', latencyMs: 30 },
  ];
  for (const [i, data] of attempts.entries()) await bus.record({ ref: `j${i}`, kind: 'attempt', time, data: { ...data, channel: 'ops' } });
  const [ops] = await loadChannelLatency(bus, ['ops'], now);
  expect({ attempts: ops?.attempts, failures: ops?.failures }).toEqual({ attempts: 3, failures: 1 });
});
