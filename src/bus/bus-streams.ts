import type { BusMessage, PublishOptions, PublishResult, StoredMessage, StreamName } from './bus-message.ts';
import type { ConsumeOptions, Subscription } from './bus-subscription.ts';
import type { EventCount, EventCountQuery, EventHeadPage, EventHeadQuery, HistoryQuery } from './stream-queries.ts';

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
