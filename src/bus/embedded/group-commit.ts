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
import { isStorageBusy, isStorageFailure } from './storage-error.ts';

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
  /** Called after each successful commit. */
  committed(): void;
  /** Called when a batch fails as a whole; returns the error every caller in it gets. */
  failed(error: unknown): unknown;
  /** Makes every commit so far durable (src/bus/embedded/wal-sync.ts); without it each COMMIT syncs. */
  sync?: () => Promise<void>;
  /**
   * How long a batch waits for another connection's write lock before it fails. Default 5 s. The
   * connection's own busy timeout should be 0, so that no attempt blocks the event loop.
   */
  busyWaitMs?: number;
}

/** Retries for the write lock start at 1 ms and double up to this. */
const MAX_LOCK_RETRY_MS = 25;

interface Pending {
  op: WriteOp<unknown>;
  isolated: boolean;
  durable: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function createGroupCommit(db: Database, hooks: GroupCommitHooks): GroupCommit {
  let queue: Pending[] = [];
  let scheduled = false;
  let paused = 0;
  const busyWaitMs = hooks.busyWaitMs ?? 5_000;
  /** Set while the queue waits for another connection's write lock: when the wait began, and the next try. */
  let locked: { since: number; retries: number; timer?: NodeJS.Timeout } | undefined;
  const syncing = new Set<Promise<void>>();
  // Made once: each db.transaction() call builds four wrapper functions and defines five properties on
  // each, which cost more than a small insert when it ran for every batch and every isolated op.
  const inBatch = db.transaction((batch: Pending[]): Outcome[] =>
    batch.map((item) => (item.isolated ? runIsolated(db, inSavepoint, item.op) : { ok: true as const, value: item.op() })),
  );
  const inSavepoint = db.transaction((op: WriteOp<unknown>): unknown => op());

  const schedule = (): void => {
    if (scheduled || paused > 0 || queue.length === 0 || locked?.timer) return;
    // While a sync runs, only a write that settles at the commit (a lease, an ack) starts the next batch.
    if (syncing.size > 0 && queue.every((item) => item.durable)) return;
    scheduled = true;
    setImmediate(flush);
  };

  /** Puts `batch` back at the head of the queue and tries again soon; false once the wait is over. */
  const waitForLock = (batch: Pending[]): boolean => {
    const now = performance.now();
    locked ??= { since: now, retries: 0 };
    if (now - locked.since >= busyWaitMs) return false;
    queue = batch.concat(queue);
    const state = locked;
    const delay = Math.min(2 ** state.retries++, MAX_LOCK_RETRY_MS);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      schedule();
    }, delay);
    return true;
  };

  const flush = (): void => {
    scheduled = false;
    if (paused > 0) return;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let outcomes: Outcome[];
    try {
      // IMMEDIATE takes the write lock up front, so another process sharing the file makes
      // us wait (busy_timeout) instead of failing a read-then-write op with SQLITE_BUSY.
      outcomes = inBatch.immediate(batch);
    } catch (error) {
      // BEGIN IMMEDIATE is the only statement that waits for the lock: no op of the batch has run yet.
      if (isStorageBusy(error) && waitForLock(batch)) return;
      locked = undefined;
      const failure = hooks.failed(error);
      for (const item of batch) item.reject(failure);
      return;
    }
    locked = undefined;
    hooks.committed();
    const settle = (item: Pending, i: number) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.error);
    };
    const synced = hooks.sync ? batch.some((item) => item.durable) : false;
    batch.forEach((item, i) => {
      if (!synced || !item.durable) settle(item, i);
    });
    if (!synced) return;
    const done = (hooks.sync?.() ?? Promise.resolve()).then(
      () => batch.forEach((item, i) => item.durable && settle(item, i)),
      (error: unknown) => {
        const failure = hooks.failed(error);
        for (const item of batch) if (item.durable) item.reject(failure);
      },
    );
    syncing.add(done);
    void done.finally(() => {
      syncing.delete(done);
      schedule();
    });
  };

  return {
    run<T>(op: WriteOp<T>, options: WriteOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ op, isolated: options.isolated ?? true, durable: options.durable ?? true, resolve, reject });
        schedule();
      });
    },
    async drain() {
      flush();
      // A batch waiting for the lock commits (or fails, once the wait is over) on its timer.
      while (locked !== undefined) await new Promise((resolve) => setTimeout(resolve, MAX_LOCK_RETRY_MS));
      await Promise.all(syncing);
    },
    lockWaitMs() {
      return locked ? performance.now() - locked.since : 0;
    },
    pause() {
      paused += 1;
      let resumed = false;
      return () => {
        if (resumed) return;
        resumed = true;
        paused -= 1;
        schedule();
      };
    },
  };
}

/**
 * Run one op in a savepoint (better-sqlite3 nests transactions as savepoints), so a bad op
 * fails alone. A storage failure aborts the whole batch: SQLite may already have rolled back.
 */
function runIsolated(db: Database, inSavepoint: (op: WriteOp<unknown>) => unknown, op: WriteOp<unknown>): Outcome {
  try {
    return { ok: true, value: inSavepoint(op) };
  } catch (error) {
    if (isStorageFailure(error) || !db.inTransaction) throw error;
    return { ok: false, error };
  }
}
