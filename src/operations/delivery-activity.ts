import { RecordKind } from '../actions/runtime/attempt-history.ts';
import type { BusHistory, BusStreams } from '../bus/event-bus.ts';

export type DeliveryOutcome = 'delivered' | 'retrying' | 'deadLettered';

export interface ActivityBucket {
  /** Start of the bucket, ISO 8601. */
  start: string;
  /** Events received, by connector instance. */
  events: Record<string, number>;
  /** Delivery attempts that ended in success (`delivered`) or a retry, and jobs dead-lettered, in this bucket. */
  outcomes: Record<DeliveryOutcome, number>;
}

export interface EventActivity {
  bucketMs: number;
  buckets: ActivityBucket[];
  connectors: string[];
  /** Always false: the bus counts every event and record of the window (kept for the API's shape). */
  truncated: boolean;
}

/** Counted a slice at a time, with other work let in between: each count is one synchronous read on the embedded bus. */
const SLICE_MS = 10 * 60_000;
const OUTCOME_KINDS = [RecordKind.attempt, RecordKind.deadLetter];

/**
 * Events per bucket by connector, and delivery outcomes per bucket, over [now - span, now). Counted by
 * the bus (SQL aggregates over event heads and records on the embedded bus): no payload is read.
 */
export async function loadEventActivity(
  bus: BusStreams & BusHistory,
  now: Date,
  spanMs = 3_600_000,
  bucketMs = 60_000,
): Promise<EventActivity> {
  const end = Math.floor(now.getTime() / bucketMs + 1) * bucketMs;
  const since = end - spanMs;
  const buckets = Array.from({ length: Math.round(spanMs / bucketMs) }, (_, i): ActivityBucket => ({
    start: new Date(since + i * bucketMs).toISOString(),
    events: {},
    outcomes: { delivered: 0, retrying: 0, deadLettered: 0 },
  }));
  const at = (start: number) => buckets[Math.floor((start - since) / bucketMs)];
  const connectors = new Set<string>();
  const slice = Math.max(bucketMs, Math.floor(SLICE_MS / bucketMs) * bucketMs);
  for (let from = since; from < end; from += slice) {
    if (from > since) await new Promise<void>((resolve) => setImmediate(resolve));
    const range = { since: new Date(from), until: new Date(Math.min(from + slice, end)), bucketMs };
    for (const { start, type, connector, count } of await bus.countEvents(range)) {
      if (type.startsWith('hookhub.')) continue;
      const name = connector || 'unknown';
      connectors.add(name);
      const bucket = at(start);
      if (bucket) bucket.events[name] = (bucket.events[name] ?? 0) + count;
    }
    for (const { start, kind, outcome, count } of await bus.countRecords({ ...range, kinds: OUTCOME_KINDS })) {
      const counted = outcomeOf(kind, outcome);
      const bucket = counted && at(start);
      if (counted && bucket) bucket.outcomes[counted] += count;
    }
  }
  return { bucketMs, buckets, connectors: [...connectors].sort(), truncated: false };
}

function outcomeOf(kind: string, outcome: string | undefined): DeliveryOutcome | undefined {
  if (kind === RecordKind.deadLetter) return 'deadLettered';
  if (kind !== RecordKind.attempt) return undefined;
  if (outcome === 'success') return 'delivered';
  return outcome === 'retry' ? 'retrying' : undefined;
}
