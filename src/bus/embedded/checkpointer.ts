/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 WAL pages, on the calling thread: under load one commit in about thirty copied the
 * WAL into the database file and synced it, 7 to 9 ms with the event loop blocked, close to half of
 * all the time spent committing. Here the connection that commits never checkpoints; a worker thread
 * with its own connection runs PASSIVE checkpoints, which never block writers or readers
 * (https://www.sqlite.org/wal.html#ckpt). The worker starts once the WAL has seen a few hundred
 * commits, so a short-lived bus (a CLI command, a test) never pays for a thread.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

export interface CheckpointerOptions {
  db: Database;
  path: string;
  /** How often the worker checkpoints. Default 100 ms. */
  everyMs?: number;
  /** Commits before the worker starts. Default 256. */
  startAfterCommits?: number;
  /** Told when background checkpoints fail; the connection then checkpoints inline again. */
  failed(error: Error): void;
  /** The SQLite driver the worker loads (tests pass a broken one). */
  driver?: string;
}

export interface Checkpointer {
  /** Call after each commit. */
  committed(): void;
  close(): Promise<void>;
}

/** SQLite's own default, restored when the worker cannot run. */
const INLINE_PAGES = 1000;

// Plain CommonJS, so the worker runs the same under tsx, vitest and plain node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
let failing = false;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failing = false;
  } catch (error) {
    if (!failing) parentPort.postMessage({ error: String(error && error.message || error) });
    failing = true;
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function createCheckpointer(options: CheckpointerOptions): Checkpointer {
  const { db } = options;
  db.pragma('wal_autocheckpoint = 0');
  const startAfter = options.startAfterCommits ?? 256;
  let commits = 0;
  let worker: Worker | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;

  const fallBack = (error: Error): void => {
    if (stopping) return;
    db.pragma(`wal_autocheckpoint = ${INLINE_PAGES}`);
    options.failed(new Error(`background WAL checkpoints stopped (${firstLine(error.message)}); commits checkpoint inline again`));
  };

  const start = (): void => {
    const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: options.path, everyMs: options.everyMs ?? 100 } });
    w.unref();
    w.on('message', (message: { error?: string }) => {
      if (message.error) options.failed(new Error(`background WAL checkpoint failed: ${message.error}`));
    });
    let failure: Error | undefined;
    w.once('error', (error) => (failure = error));
    exited = new Promise((resolve) => {
      w.once('exit', (code) => {
        if (!stopping) fallBack(failure ?? new Error(`checkpoint worker exited with code ${code}`));
        resolve();
      });
    });
    worker = w;
  };

  return {
    committed() {
      if (worker || stopping || ++commits < startAfter) return;
      start();
    },
    async close() {
      stopping = true;
      worker?.postMessage('close');
      await exited;
    },
  };
}

/** Module errors carry a require stack after their first line. */
function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}
