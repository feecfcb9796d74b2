import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { BusMessage, PublishOptions, PublishResult, StoredMessage, StreamName } from '../bus-message.ts';
import type { ConsumeOptions, Subscription } from '../bus-subscription.ts';
import type { DeadLetter, DeadLetterPage } from '../dead-letters.ts';
import type { BusStatus, EventBus, RetentionReport } from '../event-bus.ts';
import type { HistoryRecord, RecordCount, RecordCountQuery, RecordRange, RecordRangeQuery } from '../history-records.ts';
import type { KvBucket } from '../kv.ts';
import { createBucketCache } from '../kv-bucket-cache.ts';
import type { EventCount, EventCountQuery, EventHeadPage, EventHeadQuery, HistoryQuery } from '../stream-queries.ts';
import { startRetentionSweeps } from '../retention-sweeps.ts';
import { createNatsKv } from './nats-kv.ts';
import { consumerAckFloor } from './nats-ack-floor.ts';
import { FLOOR_BUCKET, type ConsumerRecreation } from './nats-consumer-floors.ts';
import { natsPublishDeps, natsReadDeps, natsSubscriptionDeps, type NatsBusParts } from './nats-bus-deps.ts';
import { createNatsPrune } from './nats-prune.ts';
import { natsBusStatus } from './nats-bus-status.ts';
import type { ConnectionState } from './nats-connection.ts';
import * as natsDeadLetters from './nats-dead-letters.ts';
import { appendRecord, readRecords } from './nats-history.ts';
import { durableName, type NatsNames } from './nats-names.ts';
import { ClaimVerdicts } from './nats-claims.ts';
import { createCork } from './nats-cork.ts';
import { createLiveSubscriptions } from './nats-live-subscriptions.ts';
import { publishWithinDeadline } from './nats-publish.ts';
import { getMessage, lastSeq, queryMessages } from './nats-query.ts';
import { queryEventHeads } from './nats-event-heads.ts';
import { countEvents, countRecords, recordRange } from './nats-counts.ts';
import type { NatsStores } from './nats-setup.ts';
import { NatsSubscription } from './nats-subscription.ts';

/** The JetStream-backed EventBus (DESIGN §2): several hub processes can share one NATS. */
export class NatsBus implements EventBus {
  readonly kind = 'nats' as const;
  /** Live subscriptions, with the stream each reads (a claim goes out with its publish only where one runs). */
  readonly #subscriptions = createLiveSubscriptions();
  readonly #buckets: (bucket: string) => KvBucket;
  #closed = false;
  #pruneTimer: NodeJS.Timeout | undefined;
  readonly #prune: (messagesMs: number, recordsMs: number) => Promise<number>;
  readonly #cork = createCork();
  readonly #verdicts = new ClaimVerdicts();
  readonly #parts: NatsBusParts;

  constructor(
    private readonly connection: ConnectionState,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stores: NatsStores,
    private readonly names: NatsNames,
    private readonly timeoutMs: number,
    private readonly replicas = 1,
    private readonly lostDeliveryMs?: number,
    /** Told about failures that may mean NATS lost the bus's streams, to create them again (nats-store-repair.ts). */
    private readonly repairStores: (error: unknown) => void = () => undefined,
    /** Told when a lost durable consumer is created again after its saved ack floor. */
    consumerRecreated?: (recreation: ConsumerRecreation) => void,
  ) {
    this.#buckets = createBucketCache((bucket) => createNatsKv({ js, jsm, prefix: names.prefix, timeoutMs, replicas }, bucket));
    this.#prune = createNatsPrune({ js, jsm, names, stores });
    this.#parts = {
      connection,
      js,
      jsm,
      stores,
      names,
      timeoutMs,
      lostDeliveryMs,
      cork: this.#cork,
      verdicts: this.#verdicts,
      consumedHere: (name) => this.#subscriptions.reads(name),
      floors: { kv: this.#buckets(FLOOR_BUCKET), ...(consumerRecreated ? { recreated: consumerRecreated } : {}) },
    };
  }

  publish(stream: StreamName, message: BusMessage, options?: PublishOptions): Promise<PublishResult> {
    if (this.#closed) return Promise.reject(new Error('NATS bus is closed'));
    return publishWithinDeadline(natsPublishDeps(this.#parts), stream, message, options).catch((error: unknown) => {
      this.repairStores(error);
      throw error;
    });
  }

  consume<T = unknown>(stream: StreamName, consumer: string, options?: ConsumeOptions): Subscription<T> {
    if (this.#closed) throw new Error('NATS bus is closed');
    const isStored = async (id: string) => (await this.get(stream, id)) !== undefined;
    const sub = new NatsSubscription<T>(
      natsSubscriptionDeps(this.#parts, isStored),
      { stream: this.names.stream(stream), durable: durableName(consumer), filter: this.names.filter(stream) },
      { ...options, onError: (error) => (this.repairStores(error), options?.onError?.(error)) },
    );
    return this.#subscriptions.track(sub, stream);
  }

  get<T = unknown>(stream: StreamName, id: string): Promise<StoredMessage<T> | undefined> {
    return getMessage<T>(this.#readDeps(), stream, id);
  }

  query<T = unknown>(query: HistoryQuery): Promise<StoredMessage<T>[]> {
    return queryMessages<T>(this.#readDeps(), query);
  }

  lastSeq(stream: StreamName): Promise<number> {
    return lastSeq(this.#readDeps(), stream);
  }

  eventHeads(query: EventHeadQuery): Promise<EventHeadPage> {
    return queryEventHeads(this.#readDeps(), query);
  }

  countEvents(query: EventCountQuery): Promise<EventCount[]> {
    return countEvents(this.#readDeps(), query);
  }

  countRecords(query: RecordCountQuery): Promise<RecordCount[]> {
    return countRecords(this.#readDeps(), query);
  }

  recordRange(query: RecordRangeQuery): Promise<RecordRange> {
    return recordRange(this.#readDeps(), query);
  }

  /** JetStream's ack floor: everything at or below it is acked (or termed). */
  finishedThrough(stream: StreamName, consumer: string): Promise<number> {
    return consumerAckFloor(this.jsm, this.names, stream, consumer);
  }

  record(entry: HistoryRecord): Promise<void> {
    return appendRecord(this.#readDeps(), entry);
  }

  records(ref: string): Promise<HistoryRecord[]> {
    return readRecords(this.#readDeps(), ref);
  }

  deadLetter(entry: DeadLetter): Promise<void> {
    return natsDeadLetters.putDeadLetter(this.stores.deadLetters, entry);
  }

  deadLetters(options?: { since?: Date; limit?: number }): Promise<DeadLetter[]> {
    return natsDeadLetters.listDeadLetters(this.stores.deadLetters, options);
  }

  getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return natsDeadLetters.getDeadLetter(this.stores.deadLetters, id);
  }

  deadLetterPage(options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage> {
    return natsDeadLetters.pageDeadLetters(this.stores.deadLetters, options);
  }

  purgeDeadLetters(before: Date): Promise<number> {
    return natsDeadLetters.purgeDeadLetters(this.stores.deadLetters, before);
  }

  countDeadLetters(): Promise<number> {
    return natsDeadLetters.countDeadLetters(this.stores.deadLetters);
  }

  takeDeadLetter(id: string, time?: string): Promise<DeadLetter | undefined> {
    return natsDeadLetters.takeDeadLetter(this.stores.deadLetters, id, time);
  }

  kv(bucket: string): KvBucket {
    return this.#buckets(bucket);
  }

  /** Settles if NATS closes the connection for good (ConnectionState.gaveUp): this bus is done, a new one must be opened. */
  gaveUp(): Promise<Error> {
    return this.connection.gaveUp();
  }

  status(): Promise<BusStatus> {
    return natsBusStatus(this.connection, this.jsm, this.names, this.repairStores);
  }

  /**
   * Sweeps at this interval until close(); a failed sweep is reported and simply tried again at the next tick, as on the embedded bus.
   * A tick while a sweep still runs is skipped: a slow pass never overlaps the next, nor piles passes up.
   */
  startRetention(retention: { messagesMs: number; recordsMs: number }, everyMs: number, report?: RetentionReport): void {
    this.#pruneTimer = startRetentionSweeps(() => this.prune(retention.messagesMs, retention.recordsMs), report, everyMs);
  }

  /**
   * Purges the events and jobs stored more than `messagesMs` ago that every durable consumer has finished,
   * and the history records stored more than `recordsMs` ago that no unfinished job needs. The first pass that
   * works also clears the kv delete markers an older release left (nats-legacy-index.ts).
   */
  prune(messagesMs: number, recordsMs = messagesMs): Promise<number> {
    return this.#prune(messagesMs, recordsMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pruneTimer);
    await this.#subscriptions.stopAll();
    await this.connection.close();
  }

  #readDeps() {
    return natsReadDeps(this.#parts);
  }
}
