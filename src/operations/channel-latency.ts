import { summarize } from '../observability/percentiles.ts';
import type { BusHistory, BusStreams, HistoryRecord } from '../bus/event-bus.ts';
import type { Job } from '../actions/action.ts';

export interface LatencyStats {
  attempts: number;
  /** Attempts that did not succeed (retryable or permanent failures), not counting rate limits (429). */
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

/** One channel's attempts in the range: their latencies and failures, overall and per bucket. */
interface Series {
  all: number[];
  failures: number;
  buckets: { latencies: number[]; failures: number }[];
}

/** The most attempt records one chart reads: bounded work per request however busy the day was. */
export const MAX_ATTEMPTS = 50_000;
/** The most jobs whose channel is looked up in their payload: attempts recorded before records named it. */
const MAX_CHANNEL_LOOKUPS = 2_000;
const LOOKUP_SLICE = 50;
/** Attempts tallied between two turns of the event loop: a day's 50,000 at once held it for tens of ms. */
const TALLY_SLICE = 2_500;

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
  const buckets = Math.round(spanMs / bucketMs);
  const series = new Map(channels.map((name): [string, Series] => [name, { all: [], failures: 0, buckets: emptyBuckets(buckets) }]));
  for (let i = 0; i < attempts.length; i += TALLY_SLICE) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const r of attempts.slice(i, i + TALLY_SLICE)) {
      const channel = typeof r.data.channel === 'string' ? r.data.channel : channelOf.get(r.ref);
      const mine = channel === undefined ? undefined : series.get(channel);
      const time = Date.parse(r.time);
      if (!mine || !(time >= since && time < end)) continue;
      // A rate limit is the destination up and asking to slow down, as the breaker and /api/channels read it.
      const ok = r.data.outcome === 'success' || r.data.rateLimited === true;
      tally(mine, r.data.latencyMs as number, ok, mine.buckets[Math.floor((time - since) / bucketMs)]);
    }
  }
  const out: ChannelLatency[] = [];
  for (const [name, mine] of series) {
    // Each channel's percentiles sort its latencies: one channel at a time, with webhooks let in between.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const hours = mine.buckets.map((b, i) => ({ start: new Date(since + i * bucketMs).toISOString(), ...stats(b.latencies, b.failures) }));
    out.push({ name, ...stats(mine.all, mine.failures), hours, truncated: range.truncated || truncated });
  }
  return out;
}

function emptyBuckets(count: number): Series['buckets'] {
  return Array.from({ length: count }, () => ({ latencies: [], failures: 0 }));
}

function tally(mine: Series, latencyMs: number, ok: boolean, bucket: Series['buckets'][number] | undefined): void {
  mine.all.push(latencyMs);
  if (!ok) mine.failures += 1;
  if (!bucket) return;
  bucket.latencies.push(latencyMs);
  if (!ok) bucket.failures += 1;
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

function stats(latencies: readonly number[], failures: number): LatencyStats {
  const base = { attempts: latencies.length, failures, errorRate: latencies.length === 0 ? 0 : failures / latencies.length };
  if (latencies.length === 0) return base;
  const { p50, p99 } = summarize(latencies);
  return { ...base, p50Ms: p50, p99Ms: p99 };
}
