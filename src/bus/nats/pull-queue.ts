/**
 * A durable consumer's messages, pulled so that this process knows every message the server counts as
 * delivered to it: one fetch at a time, for no more than `batch` minus the messages it already holds,
 * each read off the fetch the moment it arrives and handed to `received` (the keep-alive, keep-alive.ts).
 *
 * nats.js's consume() asks for more as its own buffer is read, and a message waiting in that buffer (a
 * worker with every slot busy) is one no keep-alive can reach: with a short server ack wait it would be
 * sent again while still waiting here.
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';

export interface PullSettings {
  batch: number;
  /** How long one fetch waits for messages; two missed heartbeats (half of it each) end a dead one. */
  expiresMs: number;
  /** Messages this process holds (received, not yet settled), these queued here included. */
  held(): number;
  received(msg: JsMsg): void;
  /** A fetch failed (no consumer leader while a node is lost, a dropped connection); it is tried again. */
  onError(error: unknown): void;
}

export interface Fetcher {
  fetch(options: { max_messages: number; expires: number }): Promise<ConsumerMessages>;
}

/** After this many failed fetches in a row the reader gets the error, and the subscription sets the consumer up again. */
const FAILURES_BEFORE_SETUP = 5;
const RETRY_FIRST_MS = 250;

export class PullQueue implements AsyncIterable<JsMsg> {
  readonly #queue: JsMsg[] = [];
  readonly #loop: Promise<void>;
  #fetch: ConsumerMessages | undefined;
  #closed = false;
  #failure: { error: unknown } | undefined;
  #wakeReader: (() => void) | undefined;
  #wakeLoop: (() => void) | undefined;

  constructor(
    private readonly consumer: Fetcher,
    private readonly settings: PullSettings,
  ) {
    this.#loop = this.#run();
  }

  /** A held message was settled: a fetch waiting for room may start. */
  freed(): void {
    this.#wakeLoop?.();
  }

  /** Stops pulling; returns the messages received and never read, for the caller to let go. */
  async close(): Promise<JsMsg[]> {
    this.#closed = true;
    this.#wakeLoop?.();
    this.#wakeReader?.();
    await this.#fetch?.close().catch(() => undefined);
    await this.#loop;
    return this.#queue.splice(0);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<JsMsg> {
    for (;;) {
      const msg = this.#queue.shift();
      if (msg !== undefined) {
        yield msg;
        continue;
      }
      if (this.#failure) throw this.#failure.error;
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#wakeReader = resolve));
      this.#wakeReader = undefined;
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      const room = this.settings.batch - this.settings.held();
      if (room <= 0) {
        await this.#roomFreed();
        continue;
      }
      const started = Date.now();
      try {
        const fetch = await this.consumer.fetch({ max_messages: room, expires: this.settings.expiresMs });
        this.#fetch = fetch;
        // close() may have come while the fetch was being set up.
        if (this.#closed) await fetch.close();
        for await (const msg of fetch) {
          this.settings.received(msg);
          this.#queue.push(msg);
          this.#wakeReader?.();
        }
        failures = 0;
      } catch (error) {
        if (this.#closed) break;
        failures += 1;
        if (failures >= FAILURES_BEFORE_SETUP) {
          this.#failure = { error };
          break;
        }
        this.settings.onError(error);
        // The back-off keeps a pull that fails at once (no responders, a dropped connection) from spinning. One
        // that failed after waiting (its heartbeats missed: the consumer's leader died with it) has waited
        // already: pausing again after it delayed the first pull to the new leader by up to 2 s.
        const backoffMs = Math.min(RETRY_FIRST_MS * 2 ** (failures - 1), this.settings.expiresMs);
        const restMs = backoffMs - (Date.now() - started);
        if (restMs > 0) await this.#sleep(restMs);
      }
    }
    this.#wakeReader?.();
  }

  /** Until a held message is let go (freed) or the queue closes. */
  #roomFreed(): Promise<void> {
    return new Promise<void>((resolve) => (this.#wakeLoop = resolve)).finally(() => (this.#wakeLoop = undefined));
  }

  /** `ms`, or until the queue closes. */
  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeLoop = () => {
        if (!this.#closed) return;
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (this.#wakeLoop = undefined));
  }
}
