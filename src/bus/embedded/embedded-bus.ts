/**
 * The embedded EventBus: one SQLite file in WAL mode, group-committed writes, durable
 * consumers with leases. The default backend: works on a fresh machine with nothing else.
 */
import type { BusStatus, EventBus } from '../event-bus.ts';
import type { BusMessage, PublishOptions, PublishResult, StoredMessage, StreamName, WriteTiming } from '../bus-message.ts';
import type { ConsumeOptions, Subscription } from '../bus-subscription.ts';
import type { EventCount, EventCountQuery, EventHeadPage, EventHeadQuery, HistoryQuery } from '../stream-queries.ts';
import type { HistoryRecord, RecordCount, RecordCountQuery, RecordRange, RecordRangeQuery } from '../history-records.ts';
import type { DeadLetter, DeadLetterPage } from '../dead-letters.ts';
import type { Database } from 'better-sqlite3';
import type { KvBucket } from '../kv.ts';
import type { FailureReason } from '../consumer-failure.ts';
import { createKvBuckets } from './kv-store.ts';
import { resolveSettings, type EmbeddedBusOptions, type EmbeddedBusSettings } from './embedded-options.ts';
import { createEmbeddedConsumers, type EmbeddedConsumers } from './embedded-consume.ts';
import { createHeadStore, type HeadStore } from './head-store.ts';
import { createHistoryStore, type HistoryStore } from './history-store.ts';
import { createLeaseStore, type LeaseStore } from './lease-store.ts';
import { createMessageStore, type MessageStore } from './message-store.ts';
import { loadDatabase } from './open-database.ts';
import { readRecordRange } from './record-slices.ts';
import { pageDeadLettersInSlices } from './dead-letter-slices.ts';
import { createRetention, pruneInChunks, type RetentionPass } from './retention.ts';
import { startRetentionSweeps, WARN_ONLY } from '../retention-sweeps.ts';
import { createStoreAccess, type StoreAccess } from './store-access.ts';
import { openWalSync, type WalSync } from './wal-sync.ts';

/** Open (creating and migrating if needed) the embedded bus at `options.path`. */
export async function createEmbeddedBus(options: EmbeddedBusOptions): Promise<EmbeddedBus> {
  const settings = resolveSettings(options);
  const db = await loadDatabase(options.path);
  const bus = new EmbeddedBus(db, settings, await openWalSync(db, options.path));
  await bus.probe().catch(() => undefined);
  return bus;
}

export type { EmbeddedBusOptions } from './embedded-options.ts';

export class EmbeddedBus implements EventBus {
  readonly kind = 'embedded' as const;
  readonly #settings: EmbeddedBusSettings;
  readonly #access: StoreAccess;
  readonly #messages: MessageStore;
  readonly #heads: HeadStore;
  readonly #leases: LeaseStore;
  readonly #history: HistoryStore;
  readonly #retention: RetentionPass;
  readonly #consumers: EmbeddedConsumers;
  readonly #kv: (bucket: string) => KvBucket;
  readonly #pruneTimer: NodeJS.Timeout;

  /** Use createEmbeddedBus(); this takes an already opened and migrated database. */
  constructor(db: Database, settings: EmbeddedBusSettings, walSync?: WalSync) {
    this.#settings = settings;
    // Checkpoint failures count as the retention loop's: both keep the data file in shape. A bus
    // opened without a report (CLI commands) still says so, on stderr.
    const report = settings.retentionReport ?? WARN_ONLY;
    this.#access = createStoreAccess(db, settings.path, {
      walSync,
      syncTimeoutMs: settings.syncTimeoutMs,
      now: () => settings.now(),
      checkpointFailed: (error) => report.failed(error),
    });
    this.#heads = createHeadStore(db);
    this.#messages = createMessageStore(db, settings.dedupHorizonMs, this.#heads);
    this.#leases = createLeaseStore(db);
    this.#history = createHistoryStore(db);
    this.#retention = createRetention(db, settings.retentionMs, settings.dedupHorizonMs);
    this.#consumers = createEmbeddedConsumers({
      access: this.#access,
      leases: this.#leases,
      pollMs: settings.pollMs,
      nowMs: () => this.#nowMs(),
    });
    this.#kv = createKvBuckets({ db, write: (op) => this.#access.write(op), read: (op) => this.#access.read(op) });
    this.#pruneTimer = startRetentionSweeps(() => this.prune(), report, settings.pruneEveryMs);
  }

  async publish(stream: StreamName, message: BusMessage, options: PublishOptions = {}): Promise<PublishResult> {
    // Serialize outside the transaction: the batch holds SQLite's write lock while it runs.
    const payload = message.json ?? JSON.stringify(message.payload) ?? 'null';
    const stored = await this.#access.write(() => this.#messages.insert(stream, message, payload, options.replay === true, this.#nowMs()), {
      isolated: false,
      durable: options.beforeAck !== true,
    });
    if (stored) this.#consumers.notify(stream);
    return { duplicate: !stored };
  }

  consume<T = unknown>(stream: StreamName, consumer: string, options: ConsumeOptions = {}): Subscription<T> {
    return this.#consumers.subscribe<T>({ stream, consumer }, options);
  }

  get<T = unknown>(stream: StreamName, id: string): Promise<StoredMessage<T> | undefined> {
    return this.#access.readAsync(() => this.#messages.get(stream, id) as StoredMessage<T> | undefined);
  }

  query<T = unknown>(query: HistoryQuery): Promise<StoredMessage<T>[]> {
    return this.#access.readAsync(() => this.#messages.query(query) as StoredMessage<T>[]);
  }

  lastSeq(stream: StreamName): Promise<number> {
    return this.#access.readAsync(() => this.#messages.lastSeq(stream));
  }

  eventHeads(query: EventHeadQuery): Promise<EventHeadPage> {
    return this.#access.readAsync(() => this.#heads.page(query));
  }

  countEvents(query: EventCountQuery): Promise<EventCount[]> {
    return this.#access.readAsync(() => this.#heads.count(query));
  }

  countRecords(query: RecordCountQuery): Promise<RecordCount[]> {
    return this.#access.readAsync(() => this.#history.countRecords(query));
  }

  /** In slices, with the event loop let go in between (record-slices.ts). */
  recordRange(query: RecordRangeQuery): Promise<RecordRange> {
    return readRecordRange((before) => this.#access.read(() => this.#history.recordSlice(query, before)), query.limit);
  }

  finishedThrough(stream: StreamName, consumer: string): Promise<number> {
    return this.#access.readAsync(() => this.#leases.finishedThrough({ stream, consumer }));
  }

  async record(entry: HistoryRecord, timing: WriteTiming = {}): Promise<void> {
    await this.#access.write(() => this.#history.addRecord(entry, this.#nowMs()), { durable: timing.beforeAck !== true });
  }

  records(ref: string): Promise<HistoryRecord[]> {
    return this.#access.readAsync(() => this.#history.records(ref));
  }

  async deadLetter(entry: DeadLetter): Promise<void> {
    await this.#access.write(() => this.#history.addDeadLetter(entry));
  }

  deadLetters(options: { since?: Date; limit?: number } = {}): Promise<DeadLetter[]> {
    return this.#access.readAsync(() => this.#history.deadLetters(options.since, options.limit ?? 100));
  }

  getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.#access.readAsync(() => this.#history.getDeadLetter(id));
  }

  deadLetterPage(options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage> {
    return pageDeadLettersInSlices(options, (o) => this.#access.read(() => this.#history.deadLetterPage(o.since, o.cursor, o.limit)));
  }

  async purgeDeadLetters(before: Date): Promise<number> {
    return this.#access.write(() => this.#history.purgeDeadLetters(before.getTime()));
  }

  countDeadLetters(): Promise<number> {
    return this.#access.readAsync(() => this.#history.countDeadLetters());
  }

  async takeDeadLetter(id: string, time?: string): Promise<DeadLetter | undefined> {
    return this.#access.write(() => this.#history.takeDeadLetter(id, time));
  }

  kv(bucket: string): KvBucket {
    return this.#kv(bucket);
  }

  /** Ready while the last write committed; after a failure, each call tries one small write (StoreAccess.status). */
  status(): Promise<BusStatus> {
    return this.#access.status();
  }

  waitingOn(): FailureReason | undefined {
    if (this.#access.syncStuckMs() > 0) return 'storage_down';
    return this.#access.lockWaitMs() > 0 ? 'storage_busy' : undefined;
  }

  unconfirmedMs(): number {
    return this.#access.syncStuckMs();
  }

  /** One small write (the last-open stamp) to find out whether the file is writable. */
  probe(): Promise<void> {
    return this.#access.probe();
  }

  /** Run retention now, in chunks, until nothing more is due. */
  prune(): Promise<number> {
    return pruneInChunks(this.#retention, this.#access, () => this.#nowMs());
  }

  async close(): Promise<void> {
    if (this.#access.isClosed()) return;
    this.#access.refuse();
    clearInterval(this.#pruneTimer);
    await this.#consumers.stopAll();
    await this.#access.closeFile();
  }

  #nowMs(): number {
    return this.#settings.now().getTime();
  }
}
