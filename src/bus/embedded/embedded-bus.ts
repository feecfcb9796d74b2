/**
 * The embedded EventBus: one SQLite file in WAL mode, group-committed writes, durable
 * consumers with leases. The default backend: works on a fresh machine with nothing else.
 */
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
  RecordCount,
  RecordCountQuery,
  RecordRange,
  RecordRangeQuery,
  PublishResult,
  StoredMessage,
  StreamName,
  Subscription,
  RetentionReport,
  WriteTiming,
} from '../event-bus.ts';
import { DEFAULT_ACK_WAIT_MS } from '../event-bus.ts';
import type { Database } from 'better-sqlite3';
import type { KvBucket } from '../kv.ts';
import type { FailureReason } from '../consumer-failure.ts';
import { createEmbeddedKv } from './kv-store.ts';
import { resolveSettings, type EmbeddedBusOptions, type EmbeddedBusSettings } from './embedded-options.ts';
import { createCheckpointer, type Checkpointer } from './checkpointer.ts';
import { createDelivery, type LeaseActions } from './delivery.ts';
import { createGroupCommit, type GroupCommit, type WriteOp, type WriteOptions } from './group-commit.ts';
import { createHeadStore, type HeadStore } from './head-store.ts';
import { createHistoryStore, type HistoryStore } from './history-store.ts';
import { createLeaseStore, type ConsumerRef, type LeaseStore } from './lease-store.ts';
import { createMessageStore, type MessageStore } from './message-store.ts';
import { createNotifier } from './notifier.ts';
import { loadDatabase } from './open-database.ts';
import { readRecordRange } from './record-slices.ts';
import { pageDeadLettersInSlices } from './dead-letter-slices.ts';
import { createRetention, type RetentionPass } from './retention.ts';
import { isStorageFailure, toStorageError } from './storage-error.ts';
import { createSubscription } from './subscription.ts';
import { openWalSync, type WalSync } from './wal-sync.ts';
import { coalesce } from '../../shared/coalesce.ts';

/** Open (creating and migrating if needed) the embedded bus at `options.path`. */
export async function createEmbeddedBus(options: EmbeddedBusOptions): Promise<EmbeddedBus> {
  const settings = resolveSettings(options);
  const db = await loadDatabase(options.path);
  const bus = new EmbeddedBus(db, settings, await openWalSync(db, options.path));
  await bus.probe().catch(() => undefined);
  return bus;
}

export type { EmbeddedBusOptions } from './embedded-options.ts';

const WARN_ONLY: RetentionReport = {
  swept: () => undefined,
  failed: (error) => process.emitWarning(error instanceof Error ? error.message : String(error), 'HookhubStorageWarning'),
};

/** Leases, acks and naks: lost to a power cut, they only mean a redelivery (see WriteOptions.durable). */
const BOOKKEEPING: WriteOptions = { durable: false };

export class EmbeddedBus implements EventBus {
  readonly kind = 'embedded' as const;
  readonly #db: Database;
  readonly #settings: EmbeddedBusSettings;
  readonly #writer: GroupCommit;
  readonly #messages: MessageStore;
  readonly #heads: HeadStore;
  readonly #leases: LeaseStore;
  readonly #history: HistoryStore;
  readonly #retention: RetentionPass;
  readonly #notifier = createNotifier();
  readonly #subscriptions = new Set<Subscription<unknown>>();
  readonly #buckets = new Map<string, KvBucket>();
  readonly #pruneTimer: NodeJS.Timeout;
  readonly #walSync: WalSync | undefined;
  readonly #checkpointer: Checkpointer;
  #failure: Error | undefined;
  #closed = false;

  /** Use createEmbeddedBus(); this takes an already opened and migrated database. */
  constructor(db: Database, settings: EmbeddedBusSettings, walSync?: WalSync) {
    this.#db = db;
    this.#settings = settings;
    this.#walSync = walSync;
    // Checkpoint failures count as the retention loop's: both keep the data file in shape. A bus
    // opened without a report (CLI commands) still says so, on stderr.
    const report = settings.retentionReport ?? WARN_ONLY;
    this.#checkpointer = createCheckpointer({
      db,
      path: settings.path,
      pauseWrites: () => this.#writer.pause(),
      failed: (error) => report.failed(error),
    });
    // The group commit waits for another process's write lock on a timer; SQLite's busy handler would
    // sleep on this thread, and a read in WAL mode never waits for a writer.
    db.pragma('busy_timeout = 0');
    this.#writer = createGroupCommit(db, {
      committed: () => {
        this.#failure = undefined;
        this.#checkpointer.committed();
      },
      failed: (error) => this.#fail(error),
      ...(walSync ? { sync: () => walSync.sync() } : {}),
    });
    this.#heads = createHeadStore(db);
    this.#messages = createMessageStore(db, settings.dedupHorizonMs, this.#heads);
    this.#leases = createLeaseStore(db);
    this.#history = createHistoryStore(db);
    this.#retention = createRetention(db, settings.retentionMs, settings.dedupHorizonMs);
    // A pass held up by another process's write lock must not meet the next tick's: they share one cursor.
    const sweep = coalesce(() =>
      this.prune().then(
        () => report.swept(),
        (error: unknown) => report.failed(error),
      ),
    );
    this.#pruneTimer = setInterval(() => void (sweep.busy() ? undefined : sweep()), settings.pruneEveryMs);
    this.#pruneTimer.unref();
  }

  async publish(stream: StreamName, message: BusMessage, options: PublishOptions = {}): Promise<PublishResult> {
    // Serialize outside the transaction: the batch holds SQLite's write lock while it runs.
    const payload = message.json ?? JSON.stringify(message.payload) ?? 'null';
    const stored = await this.#write(() => this.#messages.insert(stream, message, payload, options.replay === true, this.#nowMs()), {
      isolated: false,
      durable: options.beforeAck !== true,
    });
    if (stored) this.#notifier.notify(stream);
    return { duplicate: !stored };
  }

  consume<T = unknown>(stream: StreamName, consumer: string, options: ConsumeOptions = {}): Subscription<T> {
    if (this.#closed) throw new Error('embedded bus is closed');
    const ref: ConsumerRef = { stream, consumer };
    const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    const actions = this.#leaseActions(ref);
    const subscription = createSubscription<T>(
      {
        lease: async (max, tracker) => {
          const leased = await this.#write(() => this.#leases.lease(ref, max, this.#nowMs(), ackWaitMs, options.wants), BOOKKEEPING);
          const deliveries = leased.rows.map((row) => createDelivery<T>(row, actions, ackWaitMs, tracker));
          return { deliveries, skipped: leased.skipped, more: leased.more };
        },
        hasWork: () => !this.#closed && this.#leases.hasWork(ref, this.#nowMs()),
        listen: (wake) => this.#notifier.listen(stream, wake),
        now: () => this.#nowMs(),
        stopped: () => this.#subscriptions.delete(subscription),
        pending: () => this.#read(() => this.#leases.pending(ref, this.#nowMs())),
      },
      {
        batch: options.batch ?? 64,
        ackWaitMs,
        pollMs: this.#settings.pollMs,
        failurePauseMs: 250,
        ...(options.onError ? { onError: options.onError } : {}),
        ...(options.onSkipped ? { onSkipped: options.onSkipped } : {}),
      },
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
  async get<T = unknown>(stream: StreamName, id: string): Promise<StoredMessage<T> | undefined> {
    return this.#read(() => this.#messages.get(stream, id) as StoredMessage<T> | undefined);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
  async query<T = unknown>(query: HistoryQuery): Promise<StoredMessage<T>[]> {
    return this.#read(() => this.#messages.query(query) as StoredMessage<T>[]);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- as query()
  async lastSeq(stream: StreamName): Promise<number> {
    return this.#read(() => this.#messages.lastSeq(stream));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- as query()
  async eventHeads(query: EventHeadQuery): Promise<EventHeadPage> {
    return this.#read(() => this.#heads.page(query));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- as query()
  async countEvents(query: EventCountQuery): Promise<EventCount[]> {
    return this.#read(() => this.#heads.count(query));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- as query()
  async countRecords(query: RecordCountQuery): Promise<RecordCount[]> {
    return this.#read(() => this.#history.countRecords(query));
  }

  /** In slices, with the event loop let go in between (record-slices.ts). */
  recordRange(query: RecordRangeQuery): Promise<RecordRange> {
    return readRecordRange((before) => this.#read(() => this.#history.recordSlice(query, before)), query.limit);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- as query()
  async finishedThrough(stream: StreamName, consumer: string): Promise<number> {
    return this.#read(() => this.#leases.finishedThrough({ stream, consumer }));
  }

  async record(entry: HistoryRecord, timing: WriteTiming = {}): Promise<void> {
    await this.#write(() => this.#history.addRecord(entry, this.#nowMs()), { durable: timing.beforeAck !== true });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
  async records(ref: string): Promise<HistoryRecord[]> {
    return this.#read(() => this.#history.records(ref));
  }

  async deadLetter(entry: DeadLetter): Promise<void> {
    await this.#write(() => this.#history.addDeadLetter(entry));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
  async deadLetters(options: { since?: Date; limit?: number } = {}): Promise<DeadLetter[]> {
    return this.#read(() => this.#history.deadLetters(options.since, options.limit ?? 100));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.#read(() => this.#history.getDeadLetter(id));
  }

  deadLetterPage(options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage> {
    return pageDeadLettersInSlices(options, (o) => this.#read(() => this.#history.deadLetterPage(o.since, o.cursor, o.limit)));
  }

  async purgeDeadLetters(before: Date): Promise<number> {
    return this.#write(() => this.#history.purgeDeadLetters(before.getTime()));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
  async countDeadLetters(): Promise<number> {
    return this.#read(() => this.#history.countDeadLetters());
  }

  async takeDeadLetter(id: string, time?: string): Promise<DeadLetter | undefined> {
    return this.#write(() => this.#history.takeDeadLetter(id, time));
  }

  kv(bucket: string): KvBucket {
    let kv = this.#buckets.get(bucket);
    if (!kv) {
      kv = createEmbeddedKv({ db: this.#db, write: (op) => this.#write(op), read: (op) => this.#read(op) }, bucket);
      this.#buckets.set(bucket, kv);
    }
    return kv;
  }

  /** Ready while the last write committed; after a failure, each call tries one small write. */
  async status(): Promise<BusStatus> {
    if (this.#closed) return { ok: false, detail: `embedded bus ${this.#settings.path} is closed` };
    if (this.#failure) await this.probe().catch(() => undefined);
    return this.#failure ? { ok: false, detail: this.#failure.message } : { ok: true };
  }

  waitingOn(): FailureReason | undefined {
    return this.#writer.lockWaitMs() > 0 ? 'storage_busy' : undefined;
  }

  /** One small write (the last-open stamp) to find out whether the file is writable. */
  async probe(): Promise<void> {
    const stamp = this.#settings.now().toISOString();
    await this.#write(() => {
      this.#db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('probed_at', ?)").run(stamp);
    });
  }

  /** Run retention now, in chunks, until nothing more is due. */
  async prune(): Promise<number> {
    this.#retention.begin();
    let total = 0;
    for (;;) {
      const { deleted, more } = await this.#write(() => this.#retention.prune(this.#nowMs()));
      total += deleted;
      if (!more || this.#closed) return total;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pruneTimer);
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    await this.#checkpointer.close();
    await this.#writer.drain();
    await this.#walSync?.close();
    this.#db.close();
  }

  #leaseActions(ref: ConsumerRef): LeaseActions {
    return {
      finish: (seq) => this.#write(() => this.#leases.finish(ref, seq), BOOKKEEPING),
      postpone: async (seq, count, delayMs) => {
        await this.#write(() => this.#leases.postpone(ref, seq, count, this.#nowMs() + delayMs), BOOKKEEPING);
        this.#notifier.notify(ref.stream);
      },
    };
  }

  #nowMs(): number {
    return this.#settings.now().getTime();
  }

  #write<T>(op: WriteOp<T>, options?: WriteOptions): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`embedded bus ${this.#settings.path} is closed`));
    return this.#writer.run(op, options);
  }

  #read<T>(op: () => T): T {
    if (this.#closed) throw new Error(`embedded bus ${this.#settings.path} is closed`);
    try {
      return op();
    } catch (error) {
      throw this.#fail(error);
    }
  }

  #fail(error: unknown): unknown {
    const translated = toStorageError(error, this.#settings.path);
    if (isStorageFailure(translated) && translated instanceof Error) this.#failure = translated;
    return translated;
  }
}
