import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import type { BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import type { EventFilter } from '../operations/event-filter.ts';
import type { Principal } from './auth.ts';
import { EventsPoller } from './events-poller.ts';
import { ApiError } from './http-kit.ts';
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
 * Live events over Server-Sent Events. One poller per hub process (events-poller.ts) reads the `events`
 * stream after its cursor every `intervalMs` (only while someone listens); each event goes out to the
 * clients whose filter matches. `id:` is the stream seq, so a reconnect resumes where it left off.
 */
export class EventStream {
  readonly #options: Required<Omit<EventStreamOptions, 'bus' | 'logger' | 'now' | 'probe'>> & EventStreamOptions;
  readonly #clients = new Set<StreamClient>();
  /** Clients between the limit check and the fan-out (catching up); they hold a slot too. */
  readonly #joining = new Set<StreamClient>();
  readonly #poller: EventsPoller;
  #beat: NodeJS.Timeout | undefined;

  constructor(options: EventStreamOptions) {
    this.#options = { intervalMs: 500, maxClients: 100, heartbeatMs: 15_000, ...options };
    this.#poller = new EventsPoller({
      bus: options.bus,
      logger: options.logger,
      intervalMs: this.#options.intervalMs,
      probe: options.probe,
      deliver: (page) => this.#fanOut(page),
    });
  }

  /** The last seq the poller saw (0 before it ran): a head hint for list queries. */
  headHint(): number {
    return this.#poller.cursor() ?? 0;
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
      await this.#poller.resumeFromHead();
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

  /** Sends what a reconnecting client missed (bounded), then adds it to the fan-out. */
  async #join(client: StreamClient, afterSeq: number | undefined): Promise<void> {
    const upTo = this.#poller.cursor() ?? 0;
    // A fresh client learns the head as its Last-Event-ID, so a drop before its first event loses nothing.
    if (afterSeq === undefined) client.res.write(`id: ${upTo}\nevent: ready\ndata: {}\n\n`);
    const from = afterSeq === undefined ? upTo : Math.max(afterSeq, upTo - 10 * BATCH);
    await catchUp(this.#options.bus, client, from, () => this.#poller.cursor() ?? 0);
    // No await since the catch-up saw the poller's cursor: the fan-out continues exactly where it stopped, in order.
    // A logout learnt during the catch-up found no stream to end: this one ends here instead.
    if (client.closed || this.#endIfExpired(client, this.#options.now().getTime())) return;
    this.#clients.add(client);
    this.#poller.start();
    this.#beat ??= setInterval(() => this.#heartbeat(), this.#options.heartbeatMs);
  }

  /** Sends one page of new events to the clients whose session is still on. */
  #fanOut(page: StoredMessage<HubEvent>[]): void {
    const now = this.#options.now().getTime();
    const live = [...this.#clients].filter((client) => !this.#endIfExpired(client, now));
    for (const message of page) for (const client of live) sendLive(client, message);
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
    if (this.#clients.size > 0 || !this.#poller.running()) return;
    this.#poller.stop();
    clearInterval(this.#beat);
    this.#beat = undefined;
  }
}
