/**
 * Helpers for the backend-neutral bus contract suite: polling with timeouts and a
 * subscription pump that collects deliveries. Only the EventBus interface is used.
 */
import type { BusMessage, Delivery, EventBus, Subscription } from '../../src/bus/event-bus.ts';

/** What a backend's factory hands the contract suite. */
export interface BusHarness {
  bus: EventBus;
  /** Close the current bus (like a restart) and open a new one over the same storage. */
  reopen?: () => Promise<EventBus>;
  /** Close whichever bus is current and remove its storage. */
  cleanup: () => Promise<void>;
  /** Runs retention now, for messages stored more than RETENTION_MS ago (the harness's setting). */
  sweep: () => Promise<void>;
}

/** The retention every contract harness sets, short enough to test and longer than any publish. */
export const RETENTION_MS = 400;

export type MakeBus = () => Promise<BusHarness>;

/** Poll `check` until it returns true (or stops throwing), failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await delay(20);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function message(id: string, subject = 'github.push', payload: unknown = { id }): BusMessage {
  return { id, subject, payload };
}

/** A running subscription loop that records every delivery it sees. */
export interface Pump<T = unknown> {
  received: Delivery<T>[];
  /** Delivery times (Date.now()) parallel to `received`. */
  receivedAt: number[];
  stop(): Promise<void>;
}

export type OnDelivery<T> = (delivery: Delivery<T>) => unknown;

/** Iterate `sub` in the background; `onDelivery` decides ack/nak/term (or nothing). */
export function pump<T>(sub: Subscription<T>, onDelivery?: OnDelivery<T>): Pump<T> {
  const received: Delivery<T>[] = [];
  const receivedAt: number[] = [];
  let failure: unknown;
  const done = (async () => {
    for await (const delivery of sub) {
      received.push(delivery);
      receivedAt.push(Date.now());
      await onDelivery?.(delivery);
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  return {
    received,
    receivedAt,
    async stop() {
      await sub.stop();
      const ended = await Promise.race([done.then(() => true), delay(5_000).then(() => false)]);
      if (!ended) throw new Error('subscription iteration did not end within 5 s of stop()');
      if (failure) throw failure instanceof Error ? failure : new Error('the subscription failed', { cause: failure });
    },
  };
}

/** Tracks pumps so a test's subscriptions are stopped even when it fails. */
export interface PumpTracker {
  start<T>(sub: Subscription<T>, onDelivery?: OnDelivery<T>): Pump<T>;
  stopAll(): Promise<void>;
}

export function createPumpTracker(): PumpTracker {
  const pumps = new Set<Pump<unknown>>();
  return {
    start(sub, onDelivery) {
      const p = pump(sub, onDelivery);
      const stop = p.stop.bind(p);
      p.stop = async () => {
        pumps.delete(p);
        await stop();
      };
      pumps.add(p);
      return p;
    },
    async stopAll() {
      const all = [...pumps];
      pumps.clear();
      await Promise.all(all.map((p) => p.stop().catch(() => undefined)));
    },
  };
}

export const ack = (d: Delivery<unknown>): Promise<void> => d.ack();

export function ids(deliveries: { id: string }[]): string[] {
  return deliveries.map((d) => d.id);
}
