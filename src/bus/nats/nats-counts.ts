import type {
  EventCount,
  EventCountQuery,
  HistoryRecord,
  RecordCount,
  RecordCountQuery,
  RecordRange,
  RecordRangeQuery,
} from '../event-bus.ts';
import { timeFromNanos } from './nats-envelope.ts';
import { readHeadEntries } from './nats-head-reader.ts';
import { copyOf } from './nats-history.ts';
import type { QueryDeps } from './nats-query.ts';
import { readRange } from './nats-read.ts';

/** Counts keyed by their fields, in the order first seen. */
class Tally<T extends { count: number }> {
  readonly #counts = new Map<string, T>();
  add(fields: Omit<T, 'count'>): void {
    const key = JSON.stringify(fields);
    const found = this.#counts.get(key);
    if (found) found.count += 1;
    else this.#counts.set(key, { ...fields, count: 1 } as T);
  }
  values(): T[] {
    return [...this.#counts.values()];
  }
}

const bucketOf = (time: Date, since: number, bucketMs: number): number =>
  since + Math.floor((time.getTime() - since) / bucketMs) * bucketMs;

/** Events per bucket, type and connector: the window's event heads read from `since` (headers only). */
export async function countEvents(deps: QueryDeps, query: EventCountQuery): Promise<EventCount[]> {
  const since = query.since.getTime();
  const tally = new Tally<EventCount>();
  const request = { stream: deps.names.stream('events'), filter: deps.names.filter('events'), startTime: query.since };
  const entries = await readHeadEntries(deps, request, (_seq, time) => {
    if (time >= query.until) return 'stop';
    return time < query.since ? 'skip' : 'keep';
  });
  for (const { time, head } of entries)
    tally.add({ start: bucketOf(time, since, query.bucketMs), type: head.type, connector: head.connector });
  return tally.values();
}

/**
 * The records of the given kinds stored in [since, until), in stream order, from the history stream read
 * from `since`. A record that retention carried to the stream's tail (nats-history-retention.ts) is left
 * out: its original was stored at its own time, long before.
 */
async function* recordsIn(
  deps: QueryDeps,
  query: { since: Date; until: Date; kinds: readonly string[] },
): AsyncGenerator<{ time: Date; record: HistoryRecord }> {
  const kinds = new Set(query.kinds);
  const range = readRange(deps, { stream: deps.names.historyStream, filter: `${deps.names.prefix}.history.>`, startTime: query.since });
  for await (const msg of range) {
    const time = timeFromNanos(msg.info.timestampNanos);
    if (time >= query.until) return;
    if (time < query.since || copyOf(msg.headers) !== undefined) continue;
    const record = msg.json<HistoryRecord>();
    if (kinds.has(record.kind)) yield { time, record };
  }
}

/** Records per bucket, kind and outcome (recordsIn). */
export async function countRecords(deps: QueryDeps, query: RecordCountQuery): Promise<RecordCount[]> {
  const since = query.since.getTime();
  const tally = new Tally<RecordCount>();
  for await (const { time, record } of recordsIn(deps, query)) {
    const outcome = record.data?.outcome;
    tally.add({ start: bucketOf(time, since, query.bucketMs), kind: record.kind, ...(typeof outcome === 'string' ? { outcome } : {}) });
  }
  return tally.values();
}

/** The records of a range (recordsIn), keeping the newest `limit`. */
export async function recordRange(deps: QueryDeps, query: RecordRangeQuery): Promise<RecordRange> {
  const limit = Math.max(0, Math.floor(query.limit));
  let records: HistoryRecord[] = [];
  let truncated = false;
  for await (const { record } of recordsIn(deps, query)) {
    records.push(record);
    // Drop the oldest half once over the bound, so memory stays bounded on a busy hub.
    if (records.length > limit * 2) {
      records = records.slice(records.length - limit);
      truncated = true;
    }
  }
  if (records.length > limit) {
    records = records.slice(records.length - limit);
    truncated = true;
  }
  return { records, truncated };
}
