import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import type { BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import type { EventFilter } from '../operations/event-filter.ts';
import { findHeadSeq } from '../operations/stream-head.ts';
import type { Principal } from './auth.ts';
import { ApiError } from './http-kit.ts';
import { createPollerHealth, type PollerHealth } from './poller-health.ts';
import { BATCH, catchUp, openStream, sendLive, sessionOver, type StreamClient } from './stream-client.ts';

export interface SubscribeOptions {
  filter: EventFilter;
  /** Resume after this seq (`Last-Event-ID`). */
  afterSeq?: number;
  principal: Principal;
  /** The stream ends when the session does (ms since epoch). */
  expiresAt?: number;
  /** Send the whole CloudEvent with each summary (`hookhub listen` forwards it). */
  withPayload?: boolean;
  /** False once the client's session is logged out: the stream ends as an expired one does. */
  stillValid?: () => boolean;
}

export interface EventStreamOptions {
  bus: BusStreams;
  logger: Logger;
  now: () => Date;
  intervalMs?: number;
  maxClients?: number;
  /** A comment line keeps proxies from closing an idle stream. Default 15 s. */
  heartbeatMs?: number;
  /**
   * The poller's passes and failures (`event-stream` in hookhub_consumer_errors_total), which it then logs
   * once per streak; told it is idle when the last client leaves, so that nobody listening is no failure.
   */
  probe?: ConsumerProbe;
}

const PER_HOLDER = 20;

/**
 * Live events over Server-Sent Events. One poller per hub process reads the `events` stream after
 * its cursor every `intervalMs` (only while someone listens) and fans each event out to the
 * clients whose filter matches. `id:` is the stream seq, so a reconnect resumes where it left off.
 */
export class EventStream {
  readonly #options: Required<Omit<EventStreamOptions, 'bus' | 'logger' | 'now' | 'probe'>> & EventStreamOptions;
  readonly #clients = new Set<StreamClient>();
  /** Clients between the limit check and the fan-out (catching up); they hold a slot too. */
  readonly #joining = new Set<StreamClient>();
  #cursor: number | undefined;
  /** The head lookup of clients that join while nobody listens, shared by those joining at once. */
  #head: Promise<number> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #beat: NodeJS.Timeout | undefined;
  #polling = false;
  readonly #health: PollerHealth;

  constructor(options: EventStreamOptions) {
    this.#options = { intervalMs: 500, maxClients: 100, heartbeatMs: 15_000, ...options };
    this.#health = createPollerHealth({ logger: options.logger, intervalMs: this.#options.intervalMs, probe: options.probe });
  }

  /** The last seq the poller saw (0 before it ran): a head hint for list queries. */
  headHint(): number {
    return this.#cursor ?? 0;
  }

  /** Serves one SSE client until it disconnects (or its session expires). */
  async subscribe(req: IncomingMessage, res: ServerResponse, options: SubscribeOptions): Promise<void> {
    this.#checkSlots(options.principal.name);
    const client: StreamClient = {
      res,
      holder: options.principal.name,
      filter: options.filter,
      expiresAt: options.expiresAt,
      withPayload: options.withPayload === true,
      stillValid: options.stillValid,
    };
    // Listen for the close before anything is awaited: a client that leaves while joining must give its slot back.
    const closed = this.#untilClosed(req, client);
    this.#joining.add(client);
    try {
      await this.#resumeFromHead();
      openStream(res, options.principal.name);
      await this.#join(client, options.afterSeq);
    } finally {
      this.#joining.delete(client);
    }
    await closed;
  }

  /** Ends at once the streams whose session expired or was logged out (called when a logout is learnt). */
  endLoggedOut(): void {
    const now = this.#options.now().getTime();
    for (const client of [...this.#clients]) this.#endIfExpired(client, now);
  }

  close(): void {
    for (const client of this.#clients) client.res.end();
    this.#clients.clear();
    this.#stopIfIdle();
  }

  #checkSlots(holder: string): void {
    const held = [...this.#clients, ...this.#joining];
    if (held.length >= this.#options.maxClients)
      throw new ApiError(503, 'too many live streams; try again shortly', { 'retry-after': '10' });
    // One token holder cannot take every slot (a dashboard tab holds one stream).
    if (held.filter((c) => c.holder === holder).length >= PER_HOLDER)
      throw new ApiError(429, `${PER_HOLDER} live streams per token at most; close other dashboard tabs`, { 'retry-after': '10' });
  }

  #untilClosed(req: IncomingMessage, client: StreamClient): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        client.closed = true;
        this.#clients.delete(client);
        this.#joining.delete(client);
        this.#stopIfIdle();
        resolve();
      };
      req.once('close', done);
      client.res.once('close', done);
    });
  }

  /**
   * While nobody listens the poller stands still, and its cursor with it: a client joining then starts
   * from the head as it is now (a new client must not get everything published since the last one left).
   */
  async #resumeFromHead(): Promise<void> {
    if (this.#timer !== undefined) return;
    this.#head ??= findHeadSeq(this.#options.bus).finally(() => (this.#head = undefined));
    const head = await this.#head;
    // Another client may have started the poller meanwhile; its cursor is the live one.
    if (this.#timer === undefined) this.#cursor = head;
  }

  /** Sends what a reconnecting client missed (bounded), then adds it to the fan-out. */
  async #join(client: StreamClient, afterSeq: number | undefined): Promise<void> {
    const upTo = this.#cursor ?? 0;
    // A fresh client learns the head as its Last-Event-ID, so a drop before its first event loses nothing.
    if (afterSeq === undefined) client.res.write(`id: ${upTo}\nevent: ready\ndata: {}\n\n`);
    const from = afterSeq === undefined ? upTo : Math.max(afterSeq, upTo - 10 * BATCH);
    await catchUp(this.#options.bus, client, from, () => this.#cursor ?? 0);
    // No await since the catch-up saw the poller's cursor: the fan-out continues exactly where it stopped, in order.
    // A logout learnt during the catch-up found no stream to end: this one ends here instead.
    if (client.closed || this.#endIfExpired(client, this.#options.now().getTime())) return;
    this.#clients.add(client);
    this.#timer ??= setInterval(() => void this.#poll(), this.#options.intervalMs);
    this.#beat ??= setInterval(() => this.#heartbeat(), this.#options.heartbeatMs);
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#cursor === undefined || !this.#health.due()) return;
    this.#polling = true;
    try {
      await this.#fanOutNew();
      this.#health.passed(this.#timer !== undefined);
    } catch (error) {
      if (this.#timer !== undefined) this.#health.failed(error);
    } finally {
      this.#polling = false;
    }
  }

  /** Sends the events after the cursor to the live clients, up to 10 batches a poll. */
  async #fanOutNew(): Promise<void> {
    for (let round = 0; round < 10 && this.#cursor !== undefined; round++) {
      const batch: StoredMessage<HubEvent>[] = await this.#options.bus.query<HubEvent>({
        stream: 'events',
        afterSeq: this.#cursor,
        limit: BATCH,
      });
      if (batch.length > 0) {
        const now = this.#options.now().getTime();
        const live = [...this.#clients].filter((client) => !this.#endIfExpired(client, now));
        for (const message of batch) for (const client of live) sendLive(client, message);
      }
      this.#cursor = batch.at(-1)?.seq ?? this.#cursor;
      if (batch.length < BATCH) break;
    }
  }

  #heartbeat(): void {
    const now = this.#options.now().getTime();
    for (const client of this.#clients) if (!this.#endIfExpired(client, now)) client.res.write(': ping\n\n');
  }

  /** Ends the stream of a session that expired or logged out (the page goes back to the login). */
  #endIfExpired(client: StreamClient, now: number): boolean {
    if (!sessionOver(client, now)) return false;
    // Out of the fan-out at once: its 'close' comes later, and nothing may be written after end().
    this.#clients.delete(client);
    client.res.end('event: expired\ndata: {}\n\n');
    return true;
  }

  #stopIfIdle(): void {
    if (this.#clients.size > 0 || this.#timer === undefined) return;
    clearInterval(this.#timer);
    clearInterval(this.#beat);
    this.#timer = this.#beat = undefined;
    // Nobody listens: the poller has nothing to do, which is no failure (nor an age for /metrics or /readyz).
    this.#health.idle();
  }
}
