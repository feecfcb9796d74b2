/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 WAL pages, on the calling thread: under load one commit in about thirty copied the
 * WAL into the database file and synced it, 7 to 9 ms with the event loop blocked, close to half of
 * all the time spent committing. Here the connection that commits never checkpoints; a worker thread
 * with its own connection copies the WAL with PASSIVE checkpoints, which never block writers or
 * readers (https://www.sqlite.org/wal.html#ckpt).
 *
 * A PASSIVE checkpoint never lets the WAL start over while commits keep coming, so under steady load
 * the file would grow without end (267 MB in 5 s of 21 KB webhooks), and every page read searches a
 * longer WAL index. So once the WAL holds `restartBytes`, the worker asks for a short pause: the bus
 * queues its writes (the event loop runs on), the worker copies the last pages with a RESTART
 * checkpoint, and the next commit writes the WAL from its start again.
 *
 * The worker starts once the bus has made a few hundred commits, so a short-lived bus (a CLI
 * command, a test) never pays for a thread.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { CHECKPOINT_WORKER_SOURCE, MAX_PAUSE_MS, type CheckpointWorkerMessage } from './checkpoint-worker-source.ts';

export interface CheckpointerOptions {
  db: Database;
  path: string;
  /** Holds the bus's commits; the returned function lets them go. */
  pauseWrites(): () => void;
  /** Told when background checkpoints fail; the connection then checkpoints inline again, until they work again. */
  failed(error: Error): void;
  /** How often the worker checkpoints. Default 100 ms. */
  everyMs?: number;
  /** WAL size that makes the worker restart the log. Default 64 MB. */
  restartBytes?: number;
  /** Commits before the worker starts. Default 256. */
  startAfterCommits?: number;
  /** The SQLite driver the worker loads (tests pass a broken one). */
  driver?: string;
}

export interface Checkpointer {
  /** Call after each commit. */
  committed(): void;
  close(): Promise<void>;
}

const RESTART_BYTES = 64 * 1024 * 1024;

/** The restart threshold in WAL pages of this file: files made before 16 KB pages keep 4 KB ones. */
export function restartPagesOf(db: Database, restartBytes = RESTART_BYTES): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  return Math.max(1, Math.ceil(restartBytes / pageSize));
}

/** SQLite's own default, restored when the worker cannot run. */
const INLINE_PAGES = 1000;
export function createCheckpointer(options: CheckpointerOptions): Checkpointer {
  const { db } = options;
  const startAfter = options.startAfterCommits ?? 256;
  let commits = 0;
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  let resume: (() => void) | undefined;
  let pauseTimer: NodeJS.Timeout | undefined;

  const release = (): void => {
    clearTimeout(pauseTimer);
    resume?.();
    resume = undefined;
  };

  const fallBack = (error: Error): void => {
    release();
    if (stopping) return;
    db.pragma(`wal_autocheckpoint = ${INLINE_PAGES}`);
    options.failed(new Error(`background WAL checkpoints stopped (${firstLine(error.message)}); commits checkpoint inline again`));
  };

  const onMessage = (w: Worker, message: CheckpointWorkerMessage): void => {
    if ('error' in message) checkpointsFailing(db, message.error, options, stopping);
    else if ('recovered' in message) {
      if (!stopping) db.pragma('wal_autocheckpoint = 0');
    } else if ('restarted' in message) release();
    else if (!stopping) {
      // Commits are synchronous: once paused, no write transaction is open, so the restart only waits for readers.
      resume = options.pauseWrites();
      pauseTimer = setTimeout(release, MAX_PAUSE_MS);
      w.postMessage('paused');
    }
  };

  return {
    committed() {
      if (worker || stopping || ++commits < startAfter) return;
      try {
        ({ exited, worker } = startWorker(options, { stopping: () => stopping, message: onMessage, exited: fallBack }));
      } catch (error) {
        // Commits keep checkpointing inline meanwhile; the next try comes after as many commits again, not at each one.
        commits = 0;
        throw new Error(`the WAL checkpoint thread could not start (${(error as Error).message}); commits checkpoint inline`, {
          cause: error,
        });
      }
    },
    async close() {
      stopping = true;
      // Unreferenced, the worker would let a process with nothing else to do (a CLI command, a hub whose
      // server has closed) exit before it did, with close() never settling.
      worker?.ref();
      worker?.postMessage('close');
      await exited;
      release();
    },
  };
}

/**
 * The worker runs on but its checkpoints fail (its connection cannot write the file, say): with commits
 * not checkpointing either, the WAL would grow until the disk is full. Commits checkpoint inline again
 * until the worker reports one that worked.
 */
function checkpointsFailing(db: Database, error: string, options: CheckpointerOptions, stopping: boolean): void {
  if (stopping) return;
  db.pragma(`wal_autocheckpoint = ${INLINE_PAGES}`);
  options.failed(new Error(`background WAL checkpoint failed: ${error}; commits checkpoint inline until it works again`));
}

/** What the checkpointer does with its worker's events. */
interface WorkerEvents {
  stopping(): boolean;
  message(w: Worker, message: CheckpointWorkerMessage): void;
  /** The worker is gone, with the error that ended it (or its exit code). */
  exited(error: Error): void;
}

/** Starts the checkpoint worker on its own connection to the file; `exited` settles once it is gone. */
function startWorker(options: CheckpointerOptions, events: WorkerEvents): { worker: Worker; exited: Promise<void> } {
  const { db } = options;
  const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  const workerData = {
    driver,
    path: options.path,
    everyMs: options.everyMs ?? 100,
    restartPages: restartPagesOf(db, options.restartBytes),
  };
  const w = new Worker(CHECKPOINT_WORKER_SOURCE, { eval: true, workerData });
  w.unref();
  // Until the worker has its connection, commits keep checkpointing inline, so it starts on a short WAL.
  w.once('online', () => events.stopping() || db.pragma('wal_autocheckpoint = 0'));
  w.on('message', (message: CheckpointWorkerMessage) => events.message(w, message));
  let failure: Error | undefined;
  w.once('error', (error) => (failure = error));
  const exited = new Promise<void>((resolve) => {
    w.once('exit', (code) => {
      events.exited(failure ?? new Error(`checkpoint worker exited with code ${code}`));
      resolve();
    });
  });
  return { worker: w, exited };
}

/** Module errors carry a require stack after their first line. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}
