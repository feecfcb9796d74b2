/**
 * The embedded bus's one way into its SQLite file. Writes queue for the group commit (group-commit.ts),
 * with the WAL checkpoints off the event loop (checkpointer.ts); reads run on the calling thread.
 * Neither runs once the bus is closed, and a storage failure is translated (storage-error.ts) and kept,
 * until the next commit, for readiness.
 */
import type { Database } from 'better-sqlite3';
import type { BusStatus } from '../event-bus.ts';
import { createCheckpointer } from './checkpointer.ts';
import { createGroupCommit, type GroupCommit, type GroupCommitHooks, type WriteOp, type WriteOptions } from './group-commit.ts';
import { isStorageFailure, toStorageError } from './storage-error.ts';
import type { WalSync } from './wal-sync.ts';

export interface StoreAccess {
  write<T>(op: WriteOp<T>, options?: WriteOptions): Promise<T>;
  read<T>(op: () => T): T;
  /** read() for the bus's async methods: a synchronous throw (closed or failing store) becomes the rejection callers expect. */
  readAsync<T>(op: () => T): Promise<T>;
  /** Ready while the last write committed; after a failure, each call tries one small write. */
  status(): Promise<BusStatus>;
  /** One small write (the last-open stamp) to find out whether the file is writable. */
  probe(): Promise<void>;
  /** How long writes have been waiting for another process's write lock (0 when they are not). */
  lockWaitMs(): number;
  /** How long a WAL sync has run past its bound without finishing (0 when none has): writes cannot be confirmed. */
  syncStuckMs(): number;
  isClosed(): boolean;
  /** Refuse every read and write from now on. */
  refuse(): void;
  /** After refuse(): let the queued writes and the checkpoints finish, then close the file. */
  closeFile(): Promise<void>;
}

export interface StoreAccessOptions {
  walSync?: WalSync | undefined;
  /** How long durable writes wait for the WAL sync (GroupCommitHooks.syncTimeoutMs). */
  syncTimeoutMs?: number | undefined;
  now(): Date;
  /** Told when background checkpoints fail. */
  checkpointFailed(error: Error): void;
}

export function createStoreAccess(db: Database, path: string, options: StoreAccessOptions): StoreAccess {
  const failures = keepStorageFailures(path);
  let closed = false;
  const file = openWriter(db, path, options, { committed: failures.clear, failed: failures.fail });
  const read = <T>(op: () => T): T => {
    if (closed) throw new Error(`embedded bus ${path} is closed`);
    try {
      return op();
    } catch (error) {
      throw failures.fail(error);
    }
  };
  const write = <T>(op: WriteOp<T>, writeOptions?: WriteOptions): Promise<T> =>
    closed ? Promise.reject(new Error(`embedded bus ${path} is closed`)) : file.writer.run(op, writeOptions);
  const probe = (): Promise<void> => writeProbe(db, write, () => options.now());
  return {
    write,
    read,
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
    readAsync: async (op) => read(op),
    status: async () => {
      if (closed) return { ok: false, detail: `embedded bus ${path} is closed` };
      const stuckMs = file.writer.syncStuckMs();
      if (stuckMs > 0) return { ok: false, detail: stuckSyncDetail(path, stuckMs) };
      if (failures.current()) await probe().catch(() => undefined);
      const failure = failures.current();
      return failure ? { ok: false, detail: failure.message } : { ok: true };
    },
    probe,
    lockWaitMs: () => file.writer.lockWaitMs(),
    syncStuckMs: () => file.writer.syncStuckMs(),
    isClosed: () => closed,
    refuse: () => {
      closed = true;
    },
    closeFile: file.closeFile,
  };
}

/** Translates storage errors (storage-error.ts) and keeps the last failure until the next commit clears it. */
function keepStorageFailures(path: string) {
  let failure: Error | undefined;
  return {
    fail: (error: unknown): unknown => {
      const translated = toStorageError(error, path);
      if (isStorageFailure(translated) && translated instanceof Error) failure = translated;
      return translated;
    },
    clear: (): void => {
      failure = undefined;
    },
    current: (): Error | undefined => failure,
  };
}

/** The group commit, with its WAL checkpoints off the event loop (checkpointer.ts), and how to close the file after it. */
function openWriter(
  db: Database,
  path: string,
  options: StoreAccessOptions,
  hooks: Pick<GroupCommitHooks, 'committed' | 'failed'>,
): { writer: GroupCommit; closeFile: () => Promise<void> } {
  const { walSync } = options;
  const checkpointer = createCheckpointer({
    db,
    path,
    pauseWrites: () => writer.pause(),
    failed: (error) => options.checkpointFailed(error),
  });
  // The group commit waits for another process's write lock on a timer; SQLite's busy handler would
  // sleep on this thread, and a read in WAL mode never waits for a writer.
  db.pragma('busy_timeout = 0');
  const writer = createGroupCommit(db, {
    committed: () => {
      hooks.committed();
      checkpointer.committed();
    },
    failed: (error) => hooks.failed(error),
    // The checkpointer could not start its thread: reported where its other failures go (the log, the retention loop's health).
    committedHookFailed: (error) => options.checkpointFailed(error instanceof Error ? error : new Error(String(error))),
    ...(walSync ? { sync: () => walSync.sync(), syncTimeoutMs: options.syncTimeoutMs } : {}),
  });
  const closeFile = async (): Promise<void> => {
    await checkpointer.close();
    await writer.drain();
    await walSync?.close();
    db.close();
  };
  return { writer, closeFile };
}

function stuckSyncDetail(path: string, stuckMs: number): string {
  const seconds = Math.round(stuckMs / 1000);
  return `the WAL sync of ${path} has not returned for ${seconds}s (a stuck disk or network mount?): webhooks are answered 503 until it does`;
}

/** One small write (the last-open stamp) to find out whether the file is writable. */
async function writeProbe(db: Database, write: StoreAccess['write'], now: () => Date): Promise<void> {
  const stamp = now().toISOString();
  await write(() => {
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('probed_at', ?)").run(stamp);
  });
}
