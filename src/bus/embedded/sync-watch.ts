/**
 * A bound on the wait for a WAL sync (wal-sync.ts). fdatasync runs on libuv's thread pool and nothing can
 * cancel it: on a dead network mount or a stuck disk it may never return, and every webhook waiting for it
 * would wait as long. Past the bound its callers get a SyncTimeoutError (the ingress answers 503 with
 * Retry-After); the sync runs on, and if it finishes later the events it covered are committed, so the
 * provider's retry is answered as a duplicate by its id. Until it finishes, stuckMs() says so (readiness, metrics).
 */
import { EmbeddedStorageError } from './storage-error.ts';

/** A WAL sync did not finish within its bound: the writes it covers may still become durable. */
export class SyncTimeoutError extends EmbeddedStorageError {
  override name = 'SyncTimeoutError';
  constructor(ms: number) {
    super(
      `the data file's WAL sync has not finished within ${ms} ms (a stuck disk or network mount?); the write may still commit`,
      'WAL_SYNC_TIMEOUT',
    );
  }
}

export interface SyncWatch {
  /** Settles with `sync`, or rejects with SyncTimeoutError once it has run longer than the bound. */
  bound(sync: Promise<void>): Promise<void>;
  /** How long the oldest sync that outlived its bound has been running; 0 when none is running. */
  stuckMs(): number;
}

export function createSyncWatch(timeoutMs: number): SyncWatch {
  // Concurrent batches can share one sync (coalesce.ts): each sync counts once, from its first caller.
  const overdue = new Map<Promise<void>, number>();
  return {
    bound(sync) {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          if (!overdue.has(sync)) overdue.set(sync, started);
          reject(new SyncTimeoutError(timeoutMs));
        }, timeoutMs);
      });
      const finished = sync.finally(() => {
        clearTimeout(timer);
        overdue.delete(sync);
      });
      // The losing side of the race must not become an unhandled rejection.
      finished.catch(() => undefined);
      return Promise.race([finished, expired]);
    },
    stuckMs() {
      let oldest: number | undefined;
      for (const started of overdue.values()) oldest = Math.min(oldest ?? started, started);
      return oldest === undefined ? 0 : performance.now() - oldest;
    },
  };
}
