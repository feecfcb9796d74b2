import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
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
  RetentionReport,
  StoredMessage,
  StreamName,
  Subscription,
} from '../event-bus.ts';
import type { KvBucket } from '../kv.ts';
import { PayloadError } from '../../errors.ts';
import { coalesce } from '../../shared/coalesce.ts';
import { createNatsKv } from './nats-kv.ts';
import type { NatsEndpoint } from './nats-connect-options.ts';
import { createConnectionState, type ConnectionReport, type ConnectionState } from './nats-connection.ts';
import { explainConnectError } from './nats-connect-error.ts';
import { consumerStepDown } from './nats-consumer-handover.ts';
import {
  countDeadLetters,
  getDeadLetter,
  listDeadLetters,
  pageDeadLetters,
  purgeDeadLetters,
  putDeadLetter,
  takeDeadLetter,
} from './nats-dead-letters.ts';
import { appendRecord, readRecords } from './nats-history.ts';
import { createNatsNames, durableName, type NatsNames } from './nats-names.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { retryWithin, withDeadline } from './nats-deadline.ts';
import { ClaimVerdicts } from './nats-claims.ts';
import { createCork } from './nats-cork.ts';
import { publishMessage } from './nats-publish.ts';
import { getMessage, lastSeq, queryMessages } from './nats-query.ts';
import { queryEventHeads } from './nats-event-heads.ts';
import { countEvents, countRecords, recordRange } from './nats-counts.ts';
import { sweepHistory } from './nats-history-retention.ts';
import { sweepStream } from './nats-retention.ts';
import { dropKvDeleteMarkers } from './nats-legacy-index.ts';
import { ensureNatsStores, type NatsStores } from './nats-setup.ts';
import { NatsSubscription } from './nats-subscription.ts';

export interface NatsBusOptions extends NatsEndpoint {
  /** How long finished events and jobs, and history records, are kept. Default 7 days. Dead letters stay until retried or purged. */
  retentionMs?: number;
  /** How often the events and jobs streams are swept (nats-retention.ts). Default 1 min. */
  pruneEveryMs?: number;
  /** Told about each retention sweep (the hub counts failures in its consumer metrics). */
  retentionReport?: RetentionReport;
  /** Told when the connection is lost and back (the hub logs it and counts reconnects). */
  connectionReport?: ConnectionReport;
  /** How long a message id is remembered for dedup. Default 24 h; events and jobs are kept at least this long (the stream is the index). */
  dedupHorizonMs?: number;
  /** Connection name shown by the server (`nats server report connections`). */
  name?: string;
  /** Names streams `<PREFIX>_EVENTS`… and buckets `<prefix>_dedup`…, to run isolated deployments on one server. Default `hookhub`. */
  prefix?: string;
  /** Copies of every stream and KV bucket (bus.replicas); above 1 needs a JetStream cluster. Default 1. */
  replicas?: number;
  /** Upper bound for each JetStream call; publish rejects after it when NATS is down. Default 3 s. */
  timeoutMs?: number;
  /**
   * How soon a delivery lost on its way (its consumer's leader died with a cluster node) is sent again:
   * the consumers' ack wait on the server, while each subscription keeps what it holds alive. Default 10 s.
   */
  lostDeliveryMs?: number;
  /** Accepted for parity with the embedded bus; stored times come from the NATS server's clock. */
  now?: () => Date;
}

const DAY_MS = 24 * 60 * 60_000;

/** The JetStream-backed EventBus (DESIGN §2): several hub processes can share one NATS. */
export class NatsBus implements EventBus {
  readonly kind = 'nats' as const;
  /** Live subscriptions, with the stream each reads (a claim goes out with its publish only where one runs). */
  readonly #subscriptions = new Map<Subscription<unknown>, StreamName>();
  readonly #buckets = new Map<string, KvBucket>();
  #closed = false;
  #pruneTimer: NodeJS.Timeout | undefined;
  /** The history sweep's per-ref memo (nats-history-retention.ts): a restart looks at each kept ref once. */
  readonly #oldestSeq = new Map<string, number>();
  /** Whether this process has cleared the kv delete markers an older release left (once per process). */
  #kvMarkersDropped = false;
  readonly #cork = createCork();
  readonly #verdicts = new ClaimVerdicts();

  constructor(
    private readonly connection: ConnectionState,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stores: NatsStores,
    private readonly names: NatsNames,
    private readonly timeoutMs: number,
    private readonly replicas = 1,
    private readonly lostDeliveryMs?: number,
  ) {}

  publish(stream: StreamName, message: BusMessage, options?: PublishOptions): Promise<PublishResult> {
    if (this.#closed) return Promise.reject(new Error('NATS bus is closed'));
    const deps = {
      ...this.#readDeps(),
      problem: () => this.connection.problem(),
      maxPayload: () => this.connection.nc.info?.max_payload ?? Number.POSITIVE_INFINITY,
      cork: this.#cork,
      consumedHere: (name: StreamName) => this.#consumes(name),
    };
    // Publishing again is safe (dedup by id). Not while disconnected: that fails fast into a 503.
    const retryable = (err: unknown) => !(err instanceof PayloadError) && this.connection.problem() === undefined;
    const attempt = () => publishMessage(deps, stream, message, options);
    // One bound for the whole publish, so a request answers 503 in time instead of waiting out each step.
    return withDeadline(retryWithin(attempt, this.timeoutMs, retryable), this.timeoutMs, 'publish');
  }

  consume<T = unknown>(stream: StreamName, consumer: string, options?: ConsumeOptions): Subscription<T> {
    if (this.#closed) throw new Error('NATS bus is closed');
    const sub = new NatsSubscription<T>(
      {
        js: this.js,
        jsm: this.jsm,
        cork: this.#cork,
        content: this.stores.content,
        verdicts: this.#verdicts,
        isStored: async (id: string) => (await this.get(stream, id)) !== undefined,
        ...(this.lostDeliveryMs === undefined ? {} : { lostDeliveryMs: this.lostDeliveryMs }),
      },
      { stream: this.names.stream(stream), durable: durableName(consumer), filter: this.names.filter(stream) },
      options,
    );
    const tracked: Subscription<T> = {
      [Symbol.asyncIterator]: () => sub[Symbol.asyncIterator](),
      pending: () => sub.pending(),
      stop: async () => {
        this.#subscriptions.delete(tracked);
        await sub.stop();
      },
    };
    this.#subscriptions.set(tracked, stream);
    return tracked;
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
  async finishedThrough(stream: StreamName, consumer: string): Promise<number> {
    try {
      return (await this.jsm.consumers.info(this.names.stream(stream), durableName(consumer))).ack_floor.stream_seq;
    } catch (error) {
      if (hasNatsCode(error, NatsErrorCodes.ConsumerNotFound)) return 0;
      throw error;
    }
  }

  record(entry: HistoryRecord): Promise<void> {
    return appendRecord(this.#readDeps(), entry);
  }

  records(ref: string): Promise<HistoryRecord[]> {
    return readRecords(this.#readDeps(), ref);
  }

  deadLetter(entry: DeadLetter): Promise<void> {
    return putDeadLetter(this.stores.deadLetters, entry);
  }

  deadLetters(options?: { since?: Date; limit?: number }): Promise<DeadLetter[]> {
    return listDeadLetters(this.stores.deadLetters, options);
  }

  getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return getDeadLetter(this.stores.deadLetters, id);
  }

  deadLetterPage(options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage> {
    return pageDeadLetters(this.stores.deadLetters, options);
  }

  purgeDeadLetters(before: Date): Promise<number> {
    return purgeDeadLetters(this.stores.deadLetters, before);
  }

  countDeadLetters(): Promise<number> {
    return countDeadLetters(this.stores.deadLetters);
  }

  takeDeadLetter(id: string, time?: string): Promise<DeadLetter | undefined> {
    return takeDeadLetter(this.stores.deadLetters, id, time);
  }

  kv(bucket: string): KvBucket {
    let kv = this.#buckets.get(bucket);
    if (!kv) {
      kv = createNatsKv(
        { js: this.js, jsm: this.jsm, prefix: this.names.prefix, timeoutMs: this.timeoutMs, replicas: this.replicas },
        bucket,
      );
      this.#buckets.set(bucket, kv);
    }
    return kv;
  }

  async status(): Promise<BusStatus> {
    const problem = this.connection.problem();
    if (problem !== undefined) return { ok: false, detail: problem };
    try {
      await this.jsm.streams.info(this.names.stream('events'));
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: `JetStream not answering: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /**
   * Sweeps at this interval until close(); a failed sweep is reported and simply tried again at the next tick, as on the embedded bus.
   * A tick while a sweep still runs is skipped: a slow pass never overlaps the next, nor piles passes up.
   */
  startRetention(retention: { messagesMs: number; recordsMs: number }, everyMs: number, report?: RetentionReport): void {
    const sweep = coalesce(() =>
      this.prune(retention.messagesMs, retention.recordsMs).then(
        () => report?.swept(),
        (error: unknown) => report?.failed(error),
      ),
    );
    this.#pruneTimer = setInterval(() => void (sweep.busy() ? undefined : sweep()), everyMs);
    this.#pruneTimer.unref();
  }

  /**
   * Purges the events and jobs stored more than `messagesMs` ago that every durable consumer has finished,
   * and the history records stored more than `recordsMs` ago that no unfinished job needs. The first pass that
   * works also clears the kv delete markers an older release left (nats-legacy-index.ts).
   */
  async prune(messagesMs: number, recordsMs = messagesMs): Promise<number> {
    const cutoffMs = Date.now() - messagesMs;
    let purged = 0;
    for (const stream of ['events', 'jobs'] as const) purged += await sweepStream(this.jsm, this.names.stream(stream), cutoffMs);
    const history = { stream: this.names.historyStream, subject: (key: string) => `${this.names.prefix}.history.${key}` };
    const jobs = { stream: this.names.stream('jobs'), filter: this.names.filter('jobs') };
    const sweep = { js: this.js, jsm: this.jsm, history, jobs, deadLetters: this.stores.deadLetters.kv, oldestSeq: this.#oldestSeq };
    purged += await sweepHistory(sweep, Date.now() - recordsMs);
    // Last, so a failure here (reported as the pass's) holds back none of the sweeps above.
    if (!this.#kvMarkersDropped) {
      await dropKvDeleteMarkers(this.js, this.jsm, this.names.prefix);
      this.#kvMarkersDropped = true;
    }
    return purged;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#pruneTimer);
    await Promise.all([...this.#subscriptions.keys()].map((sub) => sub.stop()));
    await this.connection.close();
  }

  /** Whether a live subscription of this process reads `stream`. */
  #consumes(stream: StreamName): boolean {
    for (const read of this.#subscriptions.values()) if (read === stream) return true;
    return false;
  }

  #readDeps() {
    const { content, legacy } = this.stores;
    return {
      js: this.js,
      jsm: this.jsm,
      content,
      legacy,
      names: this.names,
      timeoutMs: this.timeoutMs,
      cork: this.#cork,
      verdicts: this.#verdicts,
    };
  }
}

/** Connects, creates or reconciles streams and buckets, and returns a ready bus. */
export async function createNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const names = createNatsNames(options.prefix);
  const retentionMs = options.retentionMs ?? 7 * DAY_MS;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const connection = await createConnectionState(options, options.name ?? 'hookhub', options.connectionReport).catch((err: unknown) => {
    throw explainConnectError(err, options);
  });
  try {
    const js = jetstream(connection.nc, { timeout: timeoutMs });
    const jsm = await jetstreamManager(connection.nc, { timeout: timeoutMs });
    const idHorizonMs = Math.max(options.dedupHorizonMs ?? DAY_MS, retentionMs);
    const replicas = options.replicas ?? 1;
    const limits = { retentionMs, idHorizonMs, timeoutMs, replicas };
    const stores = await ensureNatsStores(js, jsm, names, limits, consumerStepDown(connection.nc, timeoutMs));
    const bus = new NatsBus(connection, js, jsm, stores, names, timeoutMs, replicas, options.lostDeliveryMs);
    // Finished messages stay for the id horizon too: their subjects are the dedup index.
    const retention = { messagesMs: idHorizonMs, recordsMs: retentionMs };
    bus.startRetention(retention, options.pruneEveryMs ?? 60_000, options.retentionReport);
    return bus;
  } catch (err) {
    await connection.close();
    throw explainConnectError(err, options);
  }
}
