import type { Logger } from 'pino';
import type { BusStatus, ConsumeOptions, EventBus, StreamName, Subscription } from './event-bus.ts';
import { BusNotOpenError } from './bus-not-open-error.ts';
import type { FailureReason } from './consumer-failure.ts';
import { deferredSubscription } from './deferred-subscription.ts';
import { ForwardingEventBus } from './forwarding-event-bus.ts';

export interface RetryingBusOptions {
  kind: EventBus['kind'];
  open: () => Promise<EventBus>;
  logger: Logger;
  /**
   * An error retrying cannot fix (a setting the bus refuses). At the first attempt it is neither logged as
   * "answering 503" nor retried: it is kept in `fatal` for the caller, which stops. Later, it is retried like any.
   */
  isFatal?: (error: unknown) => boolean;
  /** Told when an open bus gives up for good (EventBus.gaveUp), before it is closed and opened again. */
  gaveUp?: (error: Error) => void;
  /** First and longest wait between attempts to open. Default 1 s and 30 s. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * An EventBus that keeps trying to open the real one (a read-only data folder, a full disk, NATS not
 * up yet) instead of letting the hub exit into a restart loop. Until it opens, writes and reads reject
 * — so the ingress answers 503 and providers retry — `status()` says why, and consumers wait.
 * An open bus that gives up for good (NATS closed its connection) is closed, which ends its subscriptions (the
 * supervised consumers then subscribe again, and wait here), and opened again the same way.
 */
export class RetryingBus extends ForwardingEventBus {
  readonly kind: EventBus['kind'];
  /** Settles after the first attempt to open, whatever its outcome. */
  readonly firstAttempt: Promise<void>;
  #fatal: Error | undefined;
  #inner: EventBus | undefined;
  #lastError: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #opened: Promise<EventBus>;
  #resolveOpened!: (bus: EventBus) => void;
  readonly #options: RetryingBusOptions;

  constructor(options: RetryingBusOptions) {
    super();
    this.kind = options.kind;
    this.#options = options;
    this.#opened = new Promise((resolve) => (this.#resolveOpened = resolve));
    this.firstAttempt = this.#attempt(options.minDelayMs ?? 1000, true);
  }

  async #attempt(delayMs: number, first = false): Promise<void> {
    try {
      const bus = await this.#options.open();
      if (this.#closed) return void (await bus.close());
      if (this.#lastError) this.#options.logger.info('event store opened: accepting webhooks again');
      this.#inner = bus;
      this.#lastError = undefined;
      this.#resolveOpened(bus);
      void bus.gaveUp?.().then((error) => this.#reopen(bus, error));
    } catch (err) {
      this.#lastError = err as Error;
      if (first && this.#options.isFatal?.(err)) return void (this.#fatal = err as Error);
      this.#options.logger.error(
        { err: this.#lastError.message, retryInMs: delayMs },
        'cannot open the event store; answering 503 until it opens',
      );
      if (this.#closed) return;
      const next = Math.min(delayMs * 2, this.#options.maxDelayMs ?? 30_000);
      this.#timer = setTimeout(() => void this.#attempt(next), delayMs);
    }
  }

  async #reopen(bus: EventBus, error: Error): Promise<void> {
    if (this.#closed || this.#inner !== bus) return;
    this.#options.gaveUp?.(error);
    this.#inner = undefined;
    this.#lastError = error;
    this.#opened = new Promise((resolve) => (this.#resolveOpened = resolve));
    await bus.close().catch(() => undefined);
    await this.#attempt(this.#options.minDelayMs ?? 1000);
  }

  /** The first attempt's error when `isFatal` says retrying cannot fix it; nothing is retried then. */
  get fatal(): Error | undefined {
    return this.#fatal;
  }

  protected current(): EventBus {
    if (this.#inner) return this.#inner;
    const reason = this.kind === 'nats' ? 'bus_unreachable' : 'storage_down';
    throw new BusNotOpenError(`event store unavailable: ${this.#lastError?.message ?? 'still opening'}`, reason);
  }

  consume<T = unknown>(stream: StreamName, consumer: string, options?: ConsumeOptions): Subscription<T> {
    if (this.#inner) return this.#inner.consume<T>(stream, consumer, options);
    return deferredSubscription(this.#opened.then((bus) => bus.consume<T>(stream, consumer, options)));
  }

  waitingOn(): FailureReason | undefined {
    return this.#inner?.waitingOn?.();
  }

  unconfirmedMs(): number {
    return this.#inner?.unconfirmedMs?.() ?? 0;
  }

  async status(): Promise<BusStatus> {
    if (this.#inner) return this.#inner.status();
    return { ok: false, detail: this.#lastError?.message ?? 'opening' };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#inner?.close();
  }
}
