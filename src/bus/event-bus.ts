/**
 * The durable bus contract. Two backends implement it: `embedded` (SQLite, WAL) and
 * `nats` (JetStream). Both pass the same contract suite in test/contract.
 *
 * Streams:
 * - `events`: HubEvents, subject = event type, id = event id.
 * - `jobs`:   action jobs, subject = action type, id = `${event.id}:${rule}:${index}`.
 *
 * Messages are retained for `retentionMs` and double as history.
 *
 * The contract is split by role, one file each: streams (bus-streams.ts, with the messages in
 * bus-message.ts, consuming in bus-subscription.ts and reads in stream-queries.ts), history records
 * (history-records.ts), dead letters (dead-letters.ts) and kv (kv.ts). EventBus composes them; this
 * file also re-exports their types, so that the hub imports the whole contract from one place.
 */
import type { FailureReason } from './consumer-failure.ts';
import type { BusStreams } from './bus-streams.ts';
import type { BusHistory } from './history-records.ts';
import type { BusDeadLetters } from './dead-letters.ts';
import type { BusKv } from './kv.ts';

export type { BusMessage, PublishOptions, PublishResult, StoredMessage, StreamName, WriteTiming } from './bus-message.ts';
export { BEFORE_ACK } from './bus-message.ts';
export type { ConsumeOptions, Delivery, PendingWork, Subscription } from './bus-subscription.ts';
export { DEFAULT_ACK_WAIT_MS } from './bus-subscription.ts';
export type { EventCount, EventCountQuery, EventHead, EventHeadPage, EventHeadQuery, HistoryQuery } from './stream-queries.ts';
export type { BusStreams } from './bus-streams.ts';
export type { BusHistory, HistoryRecord, RecordCount, RecordCountQuery, RecordRange, RecordRangeQuery } from './history-records.ts';
export type { BusDeadLetters, DeadLetter, DeadLetterPage } from './dead-letters.ts';
export type { BusKv } from './kv.ts';

/**
 * Told about each background retention sweep, so that a failing one is seen (logs, metrics);
 * a failure never stops the sweeps, the next one simply tries again.
 */
export interface RetentionReport {
  swept(): void;
  failed(error: unknown): void;
}

export interface BusStatus {
  ok: boolean;
  detail?: string;
}

/** The whole bus: the composition of the roles, plus lifecycle. Parts of the hub take only the roles they use. */
export interface EventBus extends BusStreams, BusHistory, BusDeadLetters, BusKv {
  readonly kind: 'embedded' | 'nats';
  /** Whether the bus can persist right now (readiness). */
  status(): Promise<BusStatus>;
  /** What every write is waiting on right now, when the bus knows (the embedded store: another process's write lock). Stalls name it. */
  waitingOn?(): FailureReason | undefined;
  /** How long the bus has been unable to confirm that writes are durable (the embedded store: a WAL sync that has not returned); 0 when it can. */
  unconfirmedMs?(): number;
  /**
   * Settles, with why, if the bus stops working for good without close() (NATS closed its connection: repeated
   * authorization errors, reconnect attempts used up). Its holder closes it and opens a new one (retrying-bus.ts).
   */
  gaveUp?(): Promise<Error>;
  close(): Promise<void>;
}
