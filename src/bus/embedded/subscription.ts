/**
 * A durable consumer subscription as an async iterable. It leases up to `batch` messages
 * at a time, then waits for a local publish (notifier) or the poll interval, which covers
 * other processes and expired leases.
 */
import { failureBackoffMs } from '../consumer-failure.ts';
import type { Delivery, PendingWork, Subscription } from '../event-bus.ts';
import type { LeaseTracker } from './delivery.ts';

export interface SubscriptionSource<T> {
  /**
   * Lease up to `max` deliveries (they report to `tracker` when settled), count those finished unread,
   * and say whether more of those may be waiting (a lease finishes a bounded number).
   */
  lease(max: number, tracker: LeaseTracker): Promise<{ deliveries: Delivery<T>[]; skipped: number; more: boolean }>;
  /** Cheap check before a write transaction: is anything due or new? */
  hasWork(): boolean;
  /** Subscribe to wake-ups; returns the unsubscribe function. */
  listen(wake: () => void): () => void;
  now(): number;
  /** Called once when the subscription stops (stop(), or `break` out of for-await). */
  stopped(): void;
  /** Read only, so it answers while another process holds the write lock. */
  pending(): PendingWork;
}

export interface SubscriptionSettings {
  batch: number;
  ackWaitMs: number;
  pollMs: number;
  /** First back-off after a failure to lease (doubling up to 30x while failures go on). */
  failurePauseMs: number;
  onError?: (error: unknown) => void;
  onSkipped?: (count: number) => void;
}

export function createSubscription<T>(source: SubscriptionSource<T>, settings: SubscriptionSettings): Subscription<T> {
  const buffer: Delivery<T>[] = [];
  const held = new Map<number, number>();
  let stopped = false;
  let dirty = true;
  let wake: (() => void) | undefined;
  let failures = 0;

  const tracker: LeaseTracker = {
    extend: (seq) => held.set(seq, source.now() + settings.ackWaitMs),
    release: (seq) => {
      // Only a full batch waits for a slot to lease again; otherwise a settled delivery brings no new work.
      const wasFull = held.size >= settings.batch;
      held.delete(seq);
      if (wasFull) poke();
    },
  };
  const poke = (): void => {
    dirty = true;
    wake?.();
  };
  const unlisten = source.listen(poke);

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (dirty || stopped) return resolve();
      const timer = setTimeout(polled, ms);
      timer.unref();
      // The poll finds what the notifier cannot tell: other processes' messages and leases come due.
      function polled(): void {
        dirty = true;
        done();
      }
      function done(): void {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const freeSlots = (): number => {
    const now = source.now();
    for (const [seq, deadline] of held) if (deadline <= now) held.delete(seq);
    return settings.batch - held.size;
  };

  const refill = async (): Promise<void> => {
    dirty = false;
    const free = freeSlots();
    if (free <= 0 || !source.hasWork()) return;
    try {
      const { deliveries, skipped, more } = await source.lease(free, tracker);
      failures = 0;
      for (const delivery of deliveries) held.set(delivery.seq, source.now() + settings.ackWaitMs);
      buffer.push(...deliveries);
      if (more) dirty = true;
      if (skipped > 0) settings.onSkipped?.(skipped);
    } catch (error) {
      // Busy (another process holds the write lock), read-only, full disk, a bug: never end the
      // iteration over it. Report it, back off, and try again.
      failures += 1;
      settings.onError?.(error);
      dirty = true;
      await new Promise((resolve) => setTimeout(resolve, failureBackoffMs(failures, settings.failurePauseMs)).unref());
    }
  };

  const next = async (): Promise<IteratorResult<Delivery<T>>> => {
    while (!stopped) {
      const ready = buffer.shift();
      if (ready) return { value: ready, done: false };
      if (dirty) await refill();
      if (buffer.length === 0 && !stopped) await sleep(settings.pollMs);
    }
    return { value: undefined, done: true };
  };

  const stop = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    stopped = true;
    buffer.length = 0;
    unlisten();
    wake?.();
    source.stopped();
    return Promise.resolve();
  };

  return {
    stop,
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
    pending: async () => source.pending(),
    [Symbol.asyncIterator]: () => ({
      next,
      async return() {
        await stop();
        return { value: undefined, done: true };
      },
    }),
  };
}
