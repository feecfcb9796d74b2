import type { Logger } from 'pino';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import type { BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { findHeadSeq } from '../operations/stream-head.ts';
import { createPollerHealth, type PollerHealth } from './poller-health.ts';
import { BATCH } from './stream-client.ts';

export interface EventsPollerOptions {
  bus: BusStreams;
  logger: Logger;
  intervalMs: number;
  probe?: ConsumerProbe | undefined;
  /** Called with each non-empty page of new events, in stream order; the cursor moves past it right after. */
  deliver(page: StoredMessage<HubEvent>[]): void;
}

/**
 * The live stream's one poller per hub process: while running, it reads the `events` stream after its
 * cursor every `intervalMs` and hands each page to `deliver`. Its passes and failures go to the poller's
 * health (back-off, probe, logs).
 */
export class EventsPoller {
  readonly #options: EventsPollerOptions;
  #cursor: number | undefined;
  /** The head lookup of clients that join while nobody listens, shared by those joining at once. */
  #head: Promise<number> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  readonly #health: PollerHealth;

  constructor(options: EventsPollerOptions) {
    this.#options = options;
    this.#health = createPollerHealth({ logger: options.logger, intervalMs: options.intervalMs, probe: options.probe });
  }

  /** The last seq the poller saw (undefined before it learnt the head). */
  cursor(): number | undefined {
    return this.#cursor;
  }

  running(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * While nobody listens the poller stands still, and its cursor with it: a client joining then starts
   * from the head as it is now (a new client must not get everything published since the last one left).
   */
  async resumeFromHead(): Promise<void> {
    if (this.#timer !== undefined) return;
    this.#head ??= findHeadSeq(this.#options.bus).finally(() => (this.#head = undefined));
    const head = await this.#head;
    // Another client may have started the poller meanwhile; its cursor is the live one.
    if (this.#timer === undefined) this.#cursor = head;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#poll(), this.#options.intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    // Nobody listens: the poller has nothing to do, which is no failure (nor an age for /metrics or /readyz).
    this.#health.idle();
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

  /**
   * Hands the events after the cursor to `deliver`, up to 10 batches a poll, letting the event loop go
   * between batches: a batch is read (payloads and all, on the embedded bus's one thread) and sent in one
   * go, and ten at once would hold webhooks and /healthz until the last is sent.
   */
  async #fanOutNew(): Promise<void> {
    for (let round = 0; round < 10 && this.#cursor !== undefined; round++) {
      if (round > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const batch: StoredMessage<HubEvent>[] = await this.#options.bus.query<HubEvent>({
        stream: 'events',
        afterSeq: this.#cursor,
        limit: BATCH,
      });
      if (batch.length > 0) this.#options.deliver(batch);
      this.#cursor = batch.at(-1)?.seq ?? this.#cursor;
      if (batch.length < BATCH) break;
    }
  }
}
