import type { DestinationPolicy } from './destination-policy.ts';
import type { Admission, DestinationGuards } from './destination-guards.ts';

export interface PatienceOptions {
  /** Longest a delivery waits in this process for a busy or rate-limited destination before being put back on the bus. */
  maxWaitMs: number;
  /** Deliveries allowed to wait per destination (each holds a worker slot while waiting). */
  maxWaiting: (policy: DestinationPolicy) => number;
}

/**
 * Admits an attempt, waiting briefly when the destination is only busy or rate-limited, so a burst to
 * one destination doesn't churn the bus with put-backs. Waiters per destination are capped, so a slow
 * destination can hold only a few worker slots; an open circuit or a paused destination is never waited for. A waiter tries
 * again as soon as an attempt to its destination ends (a slot is free), or after the guard's delay
 * (at most 100 ms: a rate limit refills with time); polling alone left freed slots idle for up to 100 ms.
 */
export function createPatientAdmission(guards: DestinationGuards, options: PatienceOptions) {
  const waiting = new Map<string, number>();
  const { wake, pauseFor } = createWaiters();
  const admitNow = (key: string, policy: DestinationPolicy): Admission => {
    const admission = guards.admit(key, policy);
    if (!admission.ok) return admission;
    return {
      ok: true,
      release: (outcome) => {
        admission.release(outcome);
        wake(key);
      },
    };
  };
  return async function admit(key: string, policy: DestinationPolicy): Promise<Admission> {
    let admission = admitNow(key, policy);
    if (admission.ok || !worthWaiting(admission.reason)) return admission;
    const count = waiting.get(key) ?? 0;
    if (count >= options.maxWaiting(policy)) return admission;
    waiting.set(key, count + 1);
    try {
      const deadline = Date.now() + options.maxWaitMs;
      while (!admission.ok && worthWaiting(admission.reason)) {
        const pause = Math.min(admission.delayMs, 100, deadline - Date.now());
        if (pause <= 0) break;
        await pauseFor(key, pause);
        admission = admitNow(key, policy);
      }
      return admission;
    } finally {
      const left = (waiting.get(key) ?? 1) - 1;
      if (left <= 0) waiting.delete(key);
      else waiting.set(key, left);
    }
  };
}

/**
 * An open circuit or a destination's pause (429) can last long, and waiters on it would all wake at
 * its end, the herd a pause is there to avoid: such jobs go back to the bus with a spread delay instead.
 * The probe after a pause is one attempt: its waiters try again as soon as it ends.
 */
function worthWaiting(reason: string): boolean {
  return reason === 'busy' || reason === 'rate-limited' || reason === 'probing';
}

/** Pauses per destination key, each ended by its timer or by the next wake of its key, whichever comes first. */
function createWaiters() {
  const wakers = new Map<string, Set<() => void>>();
  const wake = (key: string): void => {
    for (const waker of wakers.get(key) ?? []) waker();
  };
  const pauseFor = (key: string, ms: number): Promise<void> =>
    new Promise((resolve) => {
      const set = wakers.get(key) ?? new Set<() => void>();
      wakers.set(key, set);
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) wakers.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  return { wake, pauseFor };
}
