/**
 * The durable bus contract. Two backends implement it: `embedded` (SQLite, WAL) and
 * `nats` (JetStream). Both pass the same contract suite in test/contract.
 *
 * Streams:
 * - `events`: HubEvents, subject = event type, id = event id.
 * - `jobs`:   action jobs, subject = action type, id = `${event.id}:${rule}:${index}`.
 *
 * Messages are retained for `retentionMs` and double as history.
 */
import type { FailureReason } from './consumer-failure.ts';
import type { KvBucket } from './kv.ts';

export type StreamName = 'events' | 'jobs';

export interface BusMessage<T = unknown> {
  /** Dedup key. The same id published twice within the dedup horizon (>= 24 h) is stored once. */
  id: string;
  /** Dotted subject used for type filters (event type, or action type for jobs). */
  subject: string;
  payload: T;
  /**
   * A second dedup key, for messages whose id no signature covers (a provider that signs only the
   * body): a publish whose contentKey another id already stored within the dedup horizon is a
   * duplicate. The same id may publish its own contentKey again (a retry).
   */
  contentKey?: string;
  /** `payload` as JSON text, when the publisher has it already: stored instead of serializing `payload`. */
  json?: string;
}

export interface PublishOptions extends WriteTiming {
  /** Bypass dedup: used for replaying a dead letter or an event on purpose. */
  replay?: boolean;
}

export interface WriteTiming {
  /**
   * Settle once the write is committed, before it is on disk. Only for a consumer's writes that come
   * before its own ack in the same store: a power cut can drop only a suffix of the embedded bus's commits,
   * so losing this write loses the ack too, and the message comes back. NATS confirms every write anyway.
   */
  beforeAck?: boolean;
}

/** The timing of a consumer's writes before its own ack or nak (see WriteTiming.beforeAck). */
export const BEFORE_ACK: Readonly<WriteTiming> = Object.freeze({ beforeAck: true });

export interface PublishResult {
  duplicate: boolean;
}

export interface StoredMessage<T = unknown> extends BusMessage<T> {
  /** Monotonic per stream; usable as a pagination cursor. */
  seq: number;
  /** When the bus stored it (ISO 8601). */
  time: string;
}

/**
 * One delivery of a message to a durable consumer. Exactly one of ack/nak/term should be called.
 *
 * After a consumer error (its handler failed, or its process died, before ack, nak or term) the
 * message stays the consumer's: it is redelivered after the ack wait with `deliveryCount` + 1, and
 * it never holds back the messages behind it. Giving up on it (term, a dead letter) is the consumer's
 * decision: the hub's consumers do so on the 5th failure of the message's own (message-failures.ts).
 * Retention never deletes a message some consumer has not finished, nor any of a stream no consumer
 * has read yet.
 * Both buses pass these cases in test/contract.
 */
export interface Delivery<T = unknown> extends StoredMessage<T> {
  /** 1 on the first delivery, incremented on every redelivery (nak or ack-wait expiry). */
  deliveryCount: number;
  /**
   * Finished: not delivered to this consumer again. On NATS it settles once sent, not once the server
   * confirmed it: an ack lost with the connection means one more delivery, so write what the delivery
   * did before acking it.
   */
  ack(): Promise<void>;
  /** Redeliver later, after `delayMs` (0 = as soon as possible). */
  nak(delayMs?: number): Promise<void>;
  /** Never redeliver this message to this consumer. */
  term(): Promise<void>;
  /** Extend the ack deadline while still working on it. */
  working(): Promise<void>;
}

/** ConsumeOptions.ackWaitMs when none is given. */
export const DEFAULT_ACK_WAIT_MS = 30_000;

export interface ConsumeOptions {
  /**
   * A delivery its live subscriber has not settled is redelivered after this long (from its arrival or its
   * last working()). Default DEFAULT_ACK_WAIT_MS. On NATS, one whose subscriber died, or lost on its way,
   * comes back sooner: after NatsBusOptions.lostDeliveryMs (src/bus/nats/keep-alive.ts).
   */
  ackWaitMs?: number;
  /** How many unacked deliveries this subscription holds at once. Default 64. */
  batch?: number;
  /**
   * Told about every failure of the subscription itself (storage busy or down, bus unreachable).
   * The subscription never ends on one: it backs off (capped) and tries again.
   */
  onError?: (error: unknown) => void;
  /**
   * Which subjects this consumer takes. A message whose subject it turns down counts as finished
   * without being handed out, as if acked on arrival, so it costs the consumer no delivery: the
   * embedded bus skips it while leasing (no lease row, payload unread), NATS acks it as it arrives.
   * Asked when the message is reached, so a change (a rules reload) applies from the next message.
   */
  wants?: (subject: string) => boolean;
  /** Told how many messages `wants` turned down, once they are finished (a consumer's progress). */
  onSkipped?: (count: number) => void;
}

/** Work a consumer has to do now: messages never delivered plus redeliveries that are due. */
export interface PendingWork {
  count: number;
  /** When the oldest of them was stored (epoch ms), if known. */
  oldestMs?: number;
}

/** An async iterator of deliveries; `stop()` ends the iteration. */
export interface Subscription<T = unknown> extends AsyncIterable<Delivery<T>> {
  stop(): Promise<void>;
  /** What this consumer has to do now (for stall detection). Messages waiting out a nak delay are not counted. */
  pending(): Promise<PendingWork>;
}

/**
 * Told about each background retention sweep, so that a failing one is seen (logs, metrics);
 * a failure never stops the sweeps, the next one simply tries again.
 */
export interface RetentionReport {
  swept(): void;
  failed(error: unknown): void;
}

export interface DeadLetter<T = unknown> {
  /** The job id (idempotency key). */
  id: string;
  subject: string;
  payload: T;
  reason: string;
  /** ISO 8601 time it was dead-lettered. */
  time: string;
  /** Attempt records at the time of death. */
  attempts: unknown[];
}

export interface HistoryQuery {
  stream: StreamName;
  /** Inclusive lower bound (ISO 8601 or Date). */
  since?: Date;
  /** Exclusive upper bound. */
  until?: Date;
  /** Subject glob: `*` matches one segment, `**` the rest. */
  subject?: string;
  /** Return messages with seq greater than this (cursor). */
  afterSeq?: number;
  /** Return messages with seq lower than this: a window below a seq reads nothing above it. */
  beforeSeq?: number;
  /** Default 100. */
  limit?: number;
}

/**
 * What history keeps of an event beside its payload: enough to filter, list and count events. Both buses
 * take it from the payload as it is published (src/bus/event-head.ts); the embedded bus stores it apart,
 * so reading heads never reads a payload.
 */
export interface EventHead {
  seq: number;
  id: string;
  /** The event type (the message subject). */
  type: string;
  /** When the bus stored it (ISO 8601). */
  received: string;
  /** The connector instance (HubEvent.connector); empty when the payload names none. */
  connector: string;
  /** The event's own subject, title, actor, url and time, each cut at EVENT_HEAD_TEXT_LIMIT characters. */
  subject?: string;
  title?: string;
  actor?: string;
  url?: string;
  time?: string;
}

/** Events newest first, by indexed attributes only. */
export interface EventHeadQuery {
  /** Stored at or after (inclusive). */
  since?: Date;
  /** Stored before (exclusive). */
  until?: Date;
  /** Type glob: `*` matches one segment, `**` the rest. */
  type?: string;
  /** The connector instance. */
  connector?: string;
  /** Only events with a lower seq: a previous page's `next`. */
  beforeSeq?: number;
  /** At most this many heads. Default 100. */
  limit?: number;
  /**
   * How far one call looks back, in seqs below `beforeSeq` (events and jobs share the embedded bus's
   * seqs): the bound on its work however rare the filters. Default 10,000.
   */
  span?: number;
}

export interface EventHeadPage {
  /** Newest first. */
  heads: EventHead[];
  /**
   * Where the next call goes on from (its `beforeSeq`): set while older events may remain. A page shorter
   * than `limit` with `next` set stopped at its span.
   */
  next?: number;
}

/** Events stored in [since, until), counted by time bucket, type and connector. */
export interface EventCountQuery {
  since: Date;
  until: Date;
  bucketMs: number;
}

export interface EventCount {
  /** Start of the bucket (epoch ms): `since` plus a whole number of `bucketMs`. */
  start: number;
  type: string;
  /** As in EventHead. */
  connector: string;
  count: number;
}

/** History records of some kinds stored in [since, until), counted by time bucket, kind and `data.outcome`. */
export interface RecordCountQuery {
  since: Date;
  until: Date;
  bucketMs: number;
  kinds: readonly string[];
}

export interface RecordCount {
  /** Start of the bucket (epoch ms), as in EventCount. */
  start: number;
  kind: string;
  /** The record's `data.outcome` when it is a string (an attempt's `success`, `retry`, …). */
  outcome?: string;
  count: number;
}

/** History records of some kinds stored in [since, until), at most `limit` of the newest. */
export interface RecordRangeQuery {
  since: Date;
  until: Date;
  kinds: readonly string[];
  limit: number;
}

export interface RecordRange {
  /** Oldest first. */
  records: HistoryRecord[];
  /** Set when more than `limit` matched: the oldest were left out. */
  truncated: boolean;
}

/** A small note attached to a message id: rule outcomes, delivery attempts. */
export interface HistoryRecord {
  /** The event or job id it belongs to. */
  ref: string;
  kind: string;
  time: string;
  data: Record<string, unknown>;
}

export interface BusStatus {
  ok: boolean;
  detail?: string;
}

/** A page of dead letters, newest first; `next` is the cursor of the following page, if any. */
export interface DeadLetterPage {
  letters: DeadLetter[];
  next?: string;
}

/** The streams role (like argo-events' eventbus): publish, consume, get, query. */
export interface BusStreams {
  /** Persist durably. Resolves only once the message is committed (JetStream PubAck / SQLite commit). */
  publish(stream: StreamName, message: BusMessage, options?: PublishOptions): Promise<PublishResult>;
  /** A durable consumer: several subscriptions with the same name share the work. */
  consume<T = unknown>(stream: StreamName, consumer: string, options?: ConsumeOptions): Subscription<T>;
  /** Look up one stored message by id. */
  get<T = unknown>(stream: StreamName, id: string): Promise<StoredMessage<T> | undefined>;
  /** Time-range, subject-glob and cursor queries over retained messages, oldest first. */
  query<T = unknown>(query: HistoryQuery): Promise<StoredMessage<T>[]>;
  /**
   * The seq of the newest message `stream` holds, 0 when it holds none, from the store's own bookkeeping
   * (an index on the embedded bus, the stream's state on NATS): no message is read. On NATS a message
   * deleted from the stream's end (a replay that lost its claim) can leave it above the newest one held.
   */
  lastSeq(stream: StreamName): Promise<number>;
  /** Event heads newest first, filtered by time, type and connector, reading no payload on the embedded bus. */
  eventHeads(query: EventHeadQuery): Promise<EventHeadPage>;
  /** How many events per bucket, type and connector: one SQL aggregate over heads on the embedded bus. */
  countEvents(query: EventCountQuery): Promise<EventCount[]>;
  /**
   * The highest seq such that the durable `consumer` has finished (acked or termed) every message of
   * `stream` up to it; 0 when it has none. A message finished out of order above it counts once the
   * ones before it are finished too.
   */
  finishedThrough(stream: StreamName, consumer: string): Promise<number>;
}

/**
 * The history-records role: small notes attached to message ids. Retention deletes them by age, but
 * never those of a job that is unfinished or has a dead letter: workers read them back.
 */
export interface BusHistory {
  /** Append a history record (rule outcome, attempt) for a message id. */
  record(entry: HistoryRecord, timing?: WriteTiming): Promise<void>;
  records(ref: string): Promise<HistoryRecord[]>;
  /** How many records per bucket, kind and outcome, for charts: one SQL aggregate on the embedded bus. */
  countRecords(query: RecordCountQuery): Promise<RecordCount[]>;
  /** The records of a time range (by when they were stored), reading no message payload. */
  recordRange(query: RecordRangeQuery): Promise<RecordRange>;
}

/** The dead-letters role. They stay until taken (retry) or purged; nothing else removes one. */
export interface BusDeadLetters {
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Oldest first, at most `limit` (default 100). */
  deadLetters(options?: { since?: Date; limit?: number }): Promise<DeadLetter[]>;
  /** One dead letter by job id. */
  getDeadLetter(id: string): Promise<DeadLetter | undefined>;
  /** Newest first, `limit` per page, from an opaque `cursor` (a previous page's `next`). */
  deadLetterPage(options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage>;
  /**
   * Remove and return a dead letter (for retry). With `time`, only the letter dead-lettered at that time:
   * one the job got since (its retry already failed again) stays.
   */
  takeDeadLetter(id: string, time?: string): Promise<DeadLetter | undefined>;
  /** How many dead letters there are, without reading them (metrics, the dashboard's badge). */
  countDeadLetters(): Promise<number>;
  /** Deletes the dead letters dead-lettered before `before`; returns how many. Nothing else ever removes one. */
  purgeDeadLetters(before: Date): Promise<number>;
}

/** The kv role. */
export interface BusKv {
  /**
   * A named bucket of small durable state (subscriptions, noise-control groups), shared by every
   * process on this bus. Names: lowercase letters, digits, `-`, `_`. See src/bus/kv.ts.
   */
  kv(bucket: string): KvBucket;
}

/** The whole bus: the composition of the roles, plus lifecycle. Parts of the hub take only the roles they use. */
export interface EventBus extends BusStreams, BusHistory, BusDeadLetters, BusKv {
  readonly kind: 'embedded' | 'nats';
  /** Whether the bus can persist right now (readiness). */
  status(): Promise<BusStatus>;
  /** What every write is waiting on right now, when the bus knows (the embedded store: another process's write lock). Stalls name it. */
  waitingOn?(): FailureReason | undefined;
  close(): Promise<void>;
}
