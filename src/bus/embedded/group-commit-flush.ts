/** One flush of the group commit (group-commit.ts): the batch transaction, and settling its callers. */
import type { Database } from 'better-sqlite3';
import type { GroupCommitHooks, WriteOp } from './group-commit.ts';
import { isStorageBusy, isStorageFailure } from './storage-error.ts';
import type { SyncWatch } from './sync-watch.ts';
import type { LockWait } from './write-lock-wait.ts';

export interface Pending {
  op: WriteOp<unknown>;
  isolated: boolean;
  durable: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface FlushParts {
  state: QueueState;
  lock: LockWait;
  inBatch: ReturnType<typeof batchTransaction>;
  hooks: GroupCommitHooks;
  schedule: () => void;
  syncWatch: SyncWatch;
}

/** Commits what is queued as one batch; a batch that meets another connection's write lock goes back to wait. */
export function flushQueue(parts: FlushParts): void {
  const { state, lock, inBatch, hooks, schedule } = parts;
  state.scheduled = false;
  if (state.paused > 0) return;
  const batch = state.queue;
  state.queue = [];
  if (batch.length === 0) return;
  let outcomes: Outcome[];
  try {
    // IMMEDIATE takes the write lock up front, so another process sharing the file makes
    // us wait (busy_timeout) instead of failing a read-then-write op with SQLITE_BUSY.
    outcomes = inBatch.immediate(batch);
  } catch (error) {
    // BEGIN IMMEDIATE is the only statement that waits for the lock: no op of the batch has run yet.
    // Until the wait is over, the batch goes back at the head of the queue and is tried again soon.
    const requeue = (): void => {
      state.queue = batch.concat(state.queue);
    };
    if (isStorageBusy(error) && lock.retryLater(requeue, schedule)) return;
    lock.end();
    const failure = hooks.failed(error);
    for (const item of batch) item.reject(failure);
    return;
  }
  lock.end();
  try {
    hooks.committed();
  } catch (error) {
    // The batch is committed whatever the hook does: its callers must hear so, or they wait for ever.
    hooks.committedHookFailed(error);
  }
  const done = settleCommitted(batch, outcomes, parts);
  if (!done) return;
  state.syncing.add(done);
  void done.finally(() => {
    state.syncing.delete(done);
    schedule();
  });
}

/** The queue of one group commit, and the syncs under way. */
export interface QueueState {
  queue: Pending[];
  scheduled: boolean;
  paused: number;
  syncing: Set<Promise<void>>;
}

/**
 * The batch transaction, with a savepoint for each isolated op. Made once: each db.transaction() call builds
 * four wrapper functions and defines five properties on each, which cost more than a small insert when it ran
 * for every batch and every isolated op.
 */
export function batchTransaction(db: Database) {
  const inBatch = db.transaction((batch: Pending[]): Outcome[] =>
    batch.map((item) => (item.isolated ? runIsolated(db, inSavepoint, item.op) : { ok: true as const, value: item.op() })),
  );
  const inSavepoint = db.transaction((op: WriteOp<unknown>): unknown => op());
  return inBatch;
}

/**
 * Settles the callers of a committed batch: at once, or for durable writes with a WAL sync, once it is done
 * or has outlived its bound. Returns that wait (which settles, never rejects), or undefined when there is none.
 */
function settleCommitted(batch: Pending[], outcomes: Outcome[], { hooks, syncWatch }: FlushParts): Promise<void> | undefined {
  const settle = (item: Pending, i: number) => {
    const outcome = outcomes[i];
    if (outcome?.ok) item.resolve(outcome.value);
    else item.reject(outcome?.error);
  };
  const synced = hooks.sync ? batch.some((item) => item.durable) : false;
  batch.forEach((item, i) => {
    if (!synced || !item.durable) settle(item, i);
  });
  if (!synced) return undefined;
  // Bounded: a sync that never returns fails its callers in time (and lets the next batch start) instead of holding them.
  return syncWatch.bound(hooks.sync?.() ?? Promise.resolve()).then(
    () => batch.forEach((item, i) => item.durable && settle(item, i)),
    (error: unknown) => {
      const failure = hooks.failed(error);
      for (const item of batch) if (item.durable) item.reject(failure);
    },
  );
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
