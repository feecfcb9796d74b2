import type {
  BusMessage,
  BusStatus,
  ConsumeOptions,
  DeadLetter,
  DeadLetterPage,
  EventBus,
  EventCount,
  EventCountQuery,
  EventHeadPage,
  EventHeadQuery,
  HistoryQuery,
  HistoryRecord,
  PublishOptions,
  PublishResult,
  RecordCount,
  RecordCountQuery,
  RecordRange,
  RecordRangeQuery,
  StoredMessage,
  StreamName,
  Subscription,
  WriteTiming,
} from './event-bus.ts';
import { forwardingKvBucket } from './forwarding-kv-bucket.ts';
import type { KvBucket } from './kv.ts';

/**
 * An EventBus whose reads and writes go to the bus `current()` returns when each is made; `current()` throws
 * while there is none, and the call rejects. Subclasses say how to consume, report status and close.
 */
export abstract class ForwardingEventBus implements EventBus {
  abstract readonly kind: EventBus['kind'];

  /** The bus calls go to; throws (BusNotOpenError) while there is none. */
  protected abstract current(): EventBus;

  abstract consume<T = unknown>(stream: StreamName, consumer: string, options?: ConsumeOptions): Subscription<T>;

  abstract status(): Promise<BusStatus>;

  abstract close(): Promise<void>;

  async publish(stream: StreamName, message: BusMessage, options?: PublishOptions): Promise<PublishResult> {
    return this.current().publish(stream, message, options);
  }

  async get<T = unknown>(stream: StreamName, id: string): Promise<StoredMessage<T> | undefined> {
    return this.current().get<T>(stream, id);
  }

  async query<T = unknown>(query: HistoryQuery): Promise<StoredMessage<T>[]> {
    return this.current().query<T>(query);
  }

  async lastSeq(stream: StreamName): Promise<number> {
    return this.current().lastSeq(stream);
  }

  async eventHeads(query: EventHeadQuery): Promise<EventHeadPage> {
    return this.current().eventHeads(query);
  }

  async countEvents(query: EventCountQuery): Promise<EventCount[]> {
    return this.current().countEvents(query);
  }

  async countRecords(query: RecordCountQuery): Promise<RecordCount[]> {
    return this.current().countRecords(query);
  }

  async recordRange(query: RecordRangeQuery): Promise<RecordRange> {
    return this.current().recordRange(query);
  }

  async finishedThrough(stream: StreamName, consumer: string): Promise<number> {
    return this.current().finishedThrough(stream, consumer);
  }

  async record(entry: HistoryRecord, timing?: WriteTiming): Promise<void> {
    return this.current().record(entry, timing);
  }

  async records(ref: string): Promise<HistoryRecord[]> {
    return this.current().records(ref);
  }

  async deadLetter(entry: DeadLetter): Promise<void> {
    return this.current().deadLetter(entry);
  }

  async deadLetters(options?: { since?: Date; limit?: number }): Promise<DeadLetter[]> {
    return this.current().deadLetters(options);
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.current().getDeadLetter(id);
  }

  async deadLetterPage(options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage> {
    return this.current().deadLetterPage(options);
  }

  async purgeDeadLetters(before: Date): Promise<number> {
    return this.current().purgeDeadLetters(before);
  }

  async countDeadLetters(): Promise<number> {
    return this.current().countDeadLetters();
  }

  async takeDeadLetter(id: string, time?: string): Promise<DeadLetter | undefined> {
    return this.current().takeDeadLetter(id, time);
  }

  /** Bucket calls go to the current bus when made, and reject like every other call while there is none. */
  kv(bucket: string): KvBucket {
    return forwardingKvBucket(() => this.current().kv(bucket));
  }
}
