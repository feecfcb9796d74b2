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
  /**
   * Counts the stops. A poll still reading when the last client leaves must not deliver or move the
   * cursor afterwards: a client joining then has reset the cursor to the head, and the old poll's page
   * (from its old cursor) would send it events from before it joined.
   */
  #generation = 0;
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
    this.#generation += 1;
    // Nobody listens: the poller has nothing to do, which is no failure (nor an age for /metrics or /readyz).
    this.#health.idle();
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#cursor === undefined || !this.#health.due()) return;
    this.#polling = true;
    const generation = this.#generation;
    try {
      await this.#fanOutNew(generation);
      // A poll from before a stop reports to nobody: the health was told the poller is idle.
      this.#health.passed(generation === this.#generation);
    } catch (error) {
      if (generation === this.#generation) this.#health.failed(error);
    } finally {
      this.#polling = false;
    }
  }

  /**
   * Hands the events after the cursor to `deliver`, up to 10 batches a poll, letting the event loop go
   * between batches: a batch is read (payloads and all, on the embedded bus's one thread) and sent in one
   * go, and ten at once would hold webhooks and /healthz until the last is sent.
   */
  async #fanOutNew(generation: number): Promise<void> {
    for (let round = 0; round < 10 && this.#cursor !== undefined; round++) {
      if (round > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (generation !== this.#generation) return;
      const batch: StoredMessage<HubEvent>[] = await this.#options.bus.query<HubEvent>({
        stream: 'events',
        afterSeq: this.#cursor,
        limit: BATCH,
      });
      if (generation !== this.#generation) return;
      if (batch.length > 0) this.#options.deliver(batch);
      this.#cursor = batch.at(-1)?.seq ?? this.#cursor;
      if (batch.length < BATCH) break;
    }
  }
}
