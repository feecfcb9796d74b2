import { summarize } from '../observability/percentiles.ts';
import type { BusHistory, BusStreams, HistoryRecord } from '../bus/event-bus.ts';
import type { Job } from '../actions/action.ts';

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

/** The most attempt records one chart reads: bounded work per request however busy the day was. */
export const MAX_ATTEMPTS = 50_000;
/** The most jobs whose channel is looked up in their payload: attempts recorded before records named it. */
const MAX_CHANNEL_LOOKUPS = 2_000;
const LOOKUP_SLICE = 50;

/**
 * Delivery latency (p50, p99) and error rate per channel over [now - span, now), overall and per bucket,
 * from the attempt records of the range: each names its channel, so no job payload is read.
 */
export async function loadChannelLatency(
  bus: BusStreams & BusHistory,
  channels: readonly string[],
  now: Date,
  spanMs = 86_400_000,
  bucketMs = 3_600_000,
): Promise<ChannelLatency[]> {
  const end = Math.floor(now.getTime() / bucketMs + 1) * bucketMs;
  const since = end - spanMs;
  const range = await bus.recordRange({ since: new Date(since), until: new Date(end), kinds: ['attempt'], limit: MAX_ATTEMPTS });
  const attempts = range.records.filter((r) => typeof r.data.latencyMs === 'number');
  const { channelOf, truncated } = await legacyChannels(bus, attempts);
  const points = new Map<string, Point[]>(channels.map((name) => [name, []]));
  for (const r of attempts) {
    const channel = typeof r.data.channel === 'string' ? r.data.channel : channelOf.get(r.ref);
    const list = channel === undefined ? undefined : points.get(channel);
    list?.push({ time: Date.parse(r.time), latencyMs: r.data.latencyMs as number, ok: r.data.outcome === 'success' });
  }
  return channels.map((name) => {
    const mine = (points.get(name) ?? []).filter((p) => p.time >= since && p.time < end);
    const hours = Array.from({ length: Math.round(spanMs / bucketMs) }, (_, i) => {
      const start = since + i * bucketMs;
      return { start: new Date(start).toISOString(), ...stats(mine.filter((p) => p.time >= start && p.time < start + bucketMs)) };
    });
    return { name, ...stats(mine), hours, truncated: range.truncated || truncated };
  });
}

/** The channel of each job whose attempts do not name it (written before they did), newest jobs first, bounded. */
async function legacyChannels(
  bus: BusStreams,
  attempts: readonly HistoryRecord[],
): Promise<{ channelOf: Map<string, string | undefined>; truncated: boolean }> {
  const refs = [...new Set(attempts.filter((r) => r.data.channel === undefined).map((r) => r.ref))].reverse();
  const looked = refs.slice(0, MAX_CHANNEL_LOOKUPS);
  const channelOf = new Map<string, string | undefined>();
  for (let i = 0; i < looked.length; i += LOOKUP_SLICE) {
    // Each lookup reads a whole job: a slice at a time, with webhooks let in between.
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const slice = looked.slice(i, i + LOOKUP_SLICE);
    const jobs = await Promise.all(slice.map((ref) => bus.get<Job>('jobs', ref)));
    slice.forEach((ref, k) => {
      const channel = jobs[k]?.payload?.params?.channel;
      channelOf.set(ref, typeof channel === 'string' ? channel : undefined);
    });
  }
  return { channelOf, truncated: refs.length > looked.length };
}

function stats(points: readonly Point[]): LatencyStats {
  const failures = points.filter((p) => !p.ok).length;
  const base = { attempts: points.length, failures, errorRate: points.length === 0 ? 0 : failures / points.length };
  if (points.length === 0) return base;
  const { p50, p99 } = summarize(points.map((p) => p.latencyMs));
  return { ...base, p50Ms: p50, p99Ms: p99 };
}
