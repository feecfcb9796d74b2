import { summarize } from '../observability/percentiles.ts';
import { loadJobRecords } from './delivery-activity.ts';
import type { BusHistory, BusStreams } from '../bus/event-bus.ts';

export interface LatencyStats {
  attempts: number;
  /** Attempts that did not succeed (retryable or permanent failures). */
  failures: number;
  /** failures / attempts, 0 when there was no attempt. */
  errorRate: number;
  p50Ms?: number;
  p99Ms?: number;
}

export interface ChannelLatency extends LatencyStats {
  name: string;
  /** One per hour, oldest first. */
  hours: (LatencyStats & { start: string })[];
  truncated: boolean;
}

interface Point {
  time: number;
  latencyMs: number;
  ok: boolean;
}

/** Delivery latency (p50, p99) and error rate per channel over [now - span, now), overall and per bucket. */
export async function loadChannelLatency(
  bus: BusStreams & BusHistory,
  channels: readonly string[],
  now: Date,
  spanMs = 86_400_000,
  bucketMs = 3_600_000,
): Promise<ChannelLatency[]> {
  const end = Math.floor(now.getTime() / bucketMs + 1) * bucketMs;
  const since = end - spanMs;
  const { jobs, truncated } = await loadJobRecords(bus, new Date(since), new Date(end));
  const points = new Map<string, Point[]>(channels.map((name) => [name, []]));
  for (const { job, records } of jobs) {
    const channel = job?.params?.channel;
    const list = typeof channel === 'string' ? points.get(channel) : undefined;
    if (!list) continue;
    for (const r of records) {
      if (r.kind !== 'attempt' || typeof r.data.latencyMs !== 'number') continue;
      list.push({ time: Date.parse(r.time), latencyMs: r.data.latencyMs, ok: r.data.outcome === 'success' });
    }
  }
  return channels.map((name) => {
    const mine = (points.get(name) ?? []).filter((p) => p.time >= since && p.time < end);
    const hours = Array.from({ length: Math.round(spanMs / bucketMs) }, (_, i) => {
      const start = since + i * bucketMs;
      return { start: new Date(start).toISOString(), ...stats(mine.filter((p) => p.time >= start && p.time < start + bucketMs)) };
    });
    return { name, ...stats(mine), hours, truncated };
  });
}

function stats(points: readonly Point[]): LatencyStats {
  const failures = points.filter((p) => !p.ok).length;
  const base = { attempts: points.length, failures, errorRate: points.length === 0 ? 0 : failures / points.length };
  if (points.length === 0) return base;
  const { p50, p99 } = summarize(points.map((p) => p.latencyMs));
  return { ...base, p50Ms: p50, p99Ms: p99 };
}
