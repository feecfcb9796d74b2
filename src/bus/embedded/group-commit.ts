/**
 * Group commit: every write requested in the same event-loop turn runs in ONE transaction,
 * and each caller's promise settles only after that transaction commits (or fails).
 * With synchronous=FULL a commit costs an fsync, so batching concurrent webhooks keeps a
 * durable receiver close to one that persists nothing (DESIGN §2).
 */
import type { Database } from 'better-sqlite3';
import { isStorageFailure } from './storage-error.ts';

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
}

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

  const schedule = (): void => {
    if (scheduled || paused > 0 || queue.length === 0) return;
    scheduled = true;
    setImmediate(flush);
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
      outcomes = db
        .transaction(() => batch.map((item) => (item.isolated ? runIsolated(db, item.op) : { ok: true as const, value: item.op() })))
        .immediate();
    } catch (error) {
      const failure = hooks.failed(error);
      for (const item of batch) item.reject(failure);
      return;
    }
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
    void done.finally(() => syncing.delete(done));
  };
  const syncing = new Set<Promise<void>>();

  return {
    run<T>(op: WriteOp<T>, options: WriteOptions = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ op, isolated: options.isolated ?? true, durable: options.durable ?? true, resolve, reject });
        schedule();
      });
    },
    async drain() {
      flush();
      await Promise.all(syncing);
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
function runIsolated(db: Database, op: WriteOp<unknown>): Outcome {
  try {
    return { ok: true, value: db.transaction(op)() };
  } catch (error) {
    if (isStorageFailure(error) || !db.inTransaction) throw error;
    return { ok: false, error };
  }
}
