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
  const state: LoopState = { stopped: false, dirty: true, wake: undefined, failures: 0 };
  const poke = (): void => {
    state.dirty = true;
    state.wake?.();
  };
  const slots = createHeldSlots(settings, () => source.now(), poke);
  const unlisten = source.listen(poke);

  const next = async (): Promise<IteratorResult<Delivery<T>>> => {
    while (!state.stopped) {
      const ready = buffer.shift();
      if (ready) return { value: ready, done: false };
      if (state.dirty) await refill(state, source, settings, slots, buffer);
      if (buffer.length === 0 && !state.stopped) await sleep(state, settings.pollMs);
    }
    return { value: undefined, done: true };
  };

  const stop = (): Promise<void> => {
    if (state.stopped) return Promise.resolve();
    state.stopped = true;
    buffer.length = 0;
    unlisten();
    state.wake?.();
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

/** What the delivery loop shares with its steps. */
interface LoopState {
  stopped: boolean;
  /** Work may be waiting: lease before sleeping. */
  dirty: boolean;
  /** Ends the current sleep, if any. */
  wake: (() => void) | undefined;
  /** Failures to lease in a row. */
  failures: number;
}

/** The deliveries held, each until its ack wait is up; the tracker frees a slot when one is settled. */
interface HeldSlots {
  tracker: LeaseTracker;
  hold(seq: number): void;
  /** Slots free for a lease, after dropping the deliveries whose ack wait is up. */
  free(): number;
}

function createHeldSlots(settings: SubscriptionSettings, now: () => number, poke: () => void): HeldSlots {
  const held = new Map<number, number>();
  return {
    tracker: {
      extend: (seq) => held.set(seq, now() + settings.ackWaitMs),
      release: (seq) => {
        // Only a full batch waits for a slot to lease again; otherwise a settled delivery brings no new work.
        const wasFull = held.size >= settings.batch;
        held.delete(seq);
        if (wasFull) poke();
      },
    },
    hold: (seq) => held.set(seq, now() + settings.ackWaitMs),
    free: () => {
      const at = now();
      for (const [seq, deadline] of held) if (deadline <= at) held.delete(seq);
      return settings.batch - held.size;
    },
  };
}

function sleep(state: LoopState, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (state.dirty || state.stopped) return resolve();
    const timer = setTimeout(polled, ms);
    timer.unref();
    // The poll finds what the notifier cannot tell: other processes' messages and leases come due.
    function polled(): void {
      state.dirty = true;
      done();
    }
    function done(): void {
      clearTimeout(timer);
      state.wake = undefined;
      resolve();
    }
    state.wake = done;
  });
}

async function refill<T>(
  state: LoopState,
  source: SubscriptionSource<T>,
  settings: SubscriptionSettings,
  slots: HeldSlots,
  buffer: Delivery<T>[],
): Promise<void> {
  state.dirty = false;
  const free = slots.free();
  if (free <= 0 || !source.hasWork()) return;
  try {
    const { deliveries, skipped, more } = await source.lease(free, slots.tracker);
    state.failures = 0;
    for (const delivery of deliveries) slots.hold(delivery.seq);
    buffer.push(...deliveries);
    if (more) state.dirty = true;
    if (skipped > 0) settings.onSkipped?.(skipped);
  } catch (error) {
    // Busy (another process holds the write lock), read-only, full disk, a bug: never end the
    // iteration over it. Report it, back off, and try again.
    state.failures += 1;
    settings.onError?.(error);
    state.dirty = true;
    await new Promise((resolve) => setTimeout(resolve, failureBackoffMs(state.failures, settings.failurePauseMs)).unref());
  }
}
