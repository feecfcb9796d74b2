/** Retries for the write lock start at 1 ms and double up to this. */
export const MAX_LOCK_RETRY_MS = 25;

export type LockWait = ReturnType<typeof createLockWait>;

/** The wait for another connection's write lock: set while the queue waits, with when it began and the next try. */
export function createLockWait(busyWaitMs: number) {
  let locked: { since: number; retries: number; timer?: NodeJS.Timeout } | undefined;
  return {
    /** Requeues and tries again after a growing delay; false once the wait is over (nothing requeued then). */
    retryLater(requeue: () => void, retry: () => void): boolean {
      const now = performance.now();
      locked ??= { since: now, retries: 0 };
      if (now - locked.since >= busyWaitMs) return false;
      requeue();
      const state = locked;
      const delay = Math.min(2 ** state.retries++, MAX_LOCK_RETRY_MS);
      state.timer = setTimeout(() => {
        state.timer = undefined;
        retry();
      }, delay);
      return true;
    },
    /** A retry is on its timer. */
    retrying: () => locked?.timer !== undefined,
    waiting: () => locked !== undefined,
    end: () => {
      locked = undefined;
    },
    waitedMs: () => (locked ? performance.now() - locked.since : 0),
  };
}
