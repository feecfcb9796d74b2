/**
 * Group commit: every write requested in the same event-loop turn runs in ONE transaction,
 * and each caller's promise settles only after that transaction commits (or fails).
 * With synchronous=FULL a commit costs an fsync, so batching concurrent webhooks keeps a
 * durable receiver close to one that persists nothing (DESIGN §2).
 *
 * With a WAL sync off the event loop (GroupCommitHooks.sync), durable writes asked for while a sync runs
 * wait for it and then commit as one batch: they lose nothing (their own sync could only start after the
 * running one), and each commit's rewrite of every page it changed (the tail of each index) is shared by
 * more webhooks. A write that settles at the commit (WriteOptions.durable false: leases, acks) commits at
 * once, with whatever waits: holding those too made each hop of a webhook through the router and the
 * worker wait for a sync, and a slow disk slowed every consumer (docs/operations.md has the figures).
 *
 * While another process holds the file's write lock (a second hub on the same file, a backup), a batch
 * waits on a timer and tries again, up to `busyWaitMs`, instead of in SQLite's busy handler: that one
 * sleeps on the calling thread, and the whole hub (health checks, metrics, other requests) stopped with it.
 */
import type { Database } from 'better-sqlite3';
import { batchTransaction, flushQueue, type QueueState } from './group-commit-flush.ts';
import { createSyncWatch } from './sync-watch.ts';
import { createLockWait, MAX_LOCK_RETRY_MS } from './write-lock-wait.ts';

/** A write to run inside the batch transaction. It must be synchronous. */
export type WriteOp<T> = () => T;

export interface GroupCommit {
  /**
   * Queue `op` for the next batch; resolves with its result once the batch is committed.
   * By default the op runs in its own savepoint, so if it throws it fails alone. `isolated: false`
   * skips the savepoint (about a third of a small insert's cost): for ops that only fail when
   * storage does, where failing the whole batch — and every caller answering 503 — is right anyway.
   */
  run<T>(op: WriteOp<T>, options?: WriteOptions): Promise<T>;
  /** Commit whatever is queued now, and wait until it is on disk (used by close). */
  drain(): Promise<void>;
  /**
   * Commit nothing until the returned function is called; writes queue up meanwhile (the WAL
   * checkpointer restarts the log while no one writes). Calling the function again is a no-op.
   */
  pause(): () => void;
  /** How long the queue has been waiting for another connection's write lock (0 when it is not). */
  lockWaitMs(): number;
  /** How long a WAL sync has run past `syncTimeoutMs` without finishing (0 when none has). */
  syncStuckMs(): number;
}

export interface WriteOptions {
  isolated?: boolean;
  /**
   * Default true: settle only once the commit is on disk. False for the bus's own bookkeeping
   * (leases, acks) and a consumer's writes before its ack (WriteTiming.beforeAck), where losing the
   * last commits to a power cut means a redelivery, never a loss: commits are ordered, and every one
   * whose result left the process was synced.
   */
  durable?: boolean;
}

export interface GroupCommitHooks {
  /** Called after each successful commit. If it throws, the batch's callers are still settled. */
  committed(): void;
  /** Told when `committed` throws: the batch is committed all the same. */
  committedHookFailed(error: unknown): void;
  /** Called when a batch fails as a whole; returns the error every caller in it gets. */
  failed(error: unknown): unknown;
  /** Makes every commit so far durable (src/bus/embedded/wal-sync.ts); without it each COMMIT syncs. */
  sync?: () => Promise<void>;
  /**
   * How long durable writes wait for `sync` before they fail with a SyncTimeoutError (sync-watch.ts). Default 3 s,
   * as long as a NATS publish may take to be confirmed.
   */
  syncTimeoutMs?: number;
  /**
   * How long a batch waits for another connection's write lock before it fails. Default 5 s. The
   * connection's own busy timeout should be 0, so that no attempt blocks the event loop.
   */
  busyWaitMs?: number;
}

export function createGroupCommit(db: Database, hooks: GroupCommitHooks): GroupCommit {
  const state: QueueState = { queue: [], scheduled: false, paused: 0, syncing: new Set() };
  const lock = createLockWait(hooks.busyWaitMs ?? 5_000);
  const inBatch = batchTransaction(db);
  const syncWatch = createSyncWatch(hooks.syncTimeoutMs ?? 3_000);

  const schedule = (): void => {
    if (state.scheduled || state.paused > 0 || state.queue.length === 0 || lock.retrying()) return;
    // While a sync runs, only a write that settles at the commit (a lease, an ack) starts the next batch.
    if (state.syncing.size > 0 && state.queue.every((item) => item.durable)) return;
    state.scheduled = true;
    setImmediate(flush);
  };

  const parts = { state, lock, inBatch, hooks, schedule, syncWatch };
  const flush = (): void => flushQueue(parts);

  return {
    run<T>(op: WriteOp<T>, options: WriteOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        state.queue.push({ op, isolated: options.isolated ?? true, durable: options.durable ?? true, resolve, reject });
        schedule();
      });
    },
    async drain() {
      flush();
      // A batch waiting for the lock commits (or fails, once the wait is over) on its timer.
      while (lock.waiting()) await new Promise((resolve) => setTimeout(resolve, MAX_LOCK_RETRY_MS));
      await Promise.all(state.syncing);
    },
    lockWaitMs: () => lock.waitedMs(),
    syncStuckMs: () => syncWatch.stuckMs(),
    pause() {
      state.paused += 1;
      let resumed = false;
      return () => {
        if (resumed) return;
        resumed = true;
        state.paused -= 1;
        schedule();
      };
    },
  };
}
