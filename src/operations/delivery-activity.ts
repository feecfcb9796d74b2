import type { Job } from '../actions/action.ts';
import { RecordKind } from '../actions/runtime/attempt-history.ts';
import { readWindow } from '../actions/report/collect-history.ts';
import type { BusHistory, BusStreams, HistoryRecord } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';

/** Dashboard charts read at most this many messages per window, newest kept; `truncated` says so. */
const MAX_MESSAGES = 20_000;
/** Attempt records are read per job: a bound on the bus round trips of one chart request. */
const MAX_JOBS = 2_000;

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
  truncated: boolean;
}

/** Events per bucket by connector, and delivery outcomes per bucket, over [now - span, now). */
export async function loadEventActivity(
  bus: BusStreams & BusHistory,
  now: Date,
  spanMs = 3_600_000,
  bucketMs = 60_000,
): Promise<EventActivity> {
  const end = Math.floor(now.getTime() / bucketMs + 1) * bucketMs;
  const since = new Date(end - spanMs);
  const buckets = Array.from({ length: Math.round(spanMs / bucketMs) }, (_, i): ActivityBucket => ({
    start: new Date(since.getTime() + i * bucketMs).toISOString(),
    events: {},
    outcomes: { delivered: 0, retrying: 0, deadLettered: 0 },
  }));
  const at = (time: string) => buckets[Math.floor((Date.parse(time) - since.getTime()) / bucketMs)];
  const connectors = new Set<string>();
  const events = await readRecent<HubEvent>(bus, 'events', since, new Date(end));
  for (const message of events.messages) {
    const connector = typeof message.payload?.connector === 'string' ? message.payload.connector : 'unknown';
    if (message.payload?.type?.startsWith('hookhub.')) continue;
    connectors.add(connector);
    const bucket = at(message.time);
    if (bucket) bucket.events[connector] = (bucket.events[connector] ?? 0) + 1;
  }
  const jobs = await loadJobRecords(bus, since, new Date(end));
  for (const { records } of jobs.jobs) {
    for (const record of records) {
      const outcome = outcomeOf(record);
      const bucket = outcome && at(record.time);
      if (outcome && bucket) bucket.outcomes[outcome] += 1;
    }
  }
  return { bucketMs, buckets, connectors: [...connectors].sort(), truncated: events.truncated || jobs.truncated };
}

function outcomeOf(record: HistoryRecord): DeliveryOutcome | undefined {
  if (record.kind === RecordKind.deadLetter) return 'deadLettered';
  if (record.kind !== RecordKind.attempt) return undefined;
  if (record.data.outcome === 'success') return 'delivered';
  return record.data.outcome === 'retry' ? 'retrying' : undefined;
}

export interface JobRecords {
  job: Job;
  records: HistoryRecord[];
}

/** Jobs published in [since, until) (the newest MAX_JOBS) with their history records. */
export async function loadJobRecords(
  bus: BusStreams & BusHistory,
  since: Date,
  until: Date,
): Promise<{ jobs: JobRecords[]; truncated: boolean }> {
  const read = await readRecent<Job>(bus, 'jobs', since, until);
  const recent = read.messages.slice(-MAX_JOBS);
  const jobs = await Promise.all(recent.map(async (m) => ({ job: m.payload, records: await bus.records(m.id) })));
  return { jobs, truncated: read.truncated || read.messages.length > recent.length };
}

async function readRecent<T>(bus: BusStreams & BusHistory, stream: 'events' | 'jobs', since: Date, until: Date) {
  const messages = [];
  let truncated = false;
  for await (const message of readWindow<T>(bus, stream, since, until)) {
    messages.push(message);
    // Keep the newest: drop the oldest half once over the bound, so memory stays bounded on a busy hub.
    if (messages.length > MAX_MESSAGES * 2) {
      messages.splice(0, messages.length - MAX_MESSAGES);
      truncated = true;
    }
  }
  if (messages.length > MAX_MESSAGES) {
    messages.splice(0, messages.length - MAX_MESSAGES);
    truncated = true;
  }
  return { messages, truncated };
}
