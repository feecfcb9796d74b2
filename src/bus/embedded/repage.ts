/**
 * Rewrites a data file made before 16 KB pages with them (open-database.ts says why they are cheaper).
 * A WAL file cannot change its page size in place: the file leaves WAL mode, VACUUM rewrites it, and it
 * goes back to WAL. VACUUM blocks the thread it runs on, so it runs in a worker thread and the caller
 * can show progress meanwhile. Nothing else may have the file open (a running hub), and leaving WAL
 * mode is what finds out: SQLite refuses it while another connection is open.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PAGE_SIZE } from './open-database.ts';

/** Page sizes before and after, in bytes. */
export interface RepageResult {
  from: number;
  to: number;
}

// Plain CommonJS, so the worker runs the same under tsx, vitest and plain node.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true, timeout: 0 });
try {
  const from = db.pragma('page_size', { simple: true });
  const mode = db.pragma('journal_mode = DELETE', { simple: true });
  if (mode !== 'delete') throw Object.assign(new Error('in use'), { code: 'IN_USE' });
  try {
    db.pragma('page_size = ' + workerData.pageSize);
    db.exec('VACUUM');
  } finally {
    db.pragma('journal_mode = WAL');
  }
  parentPort.postMessage({ from, to: db.pragma('page_size', { simple: true }) });
} catch (error) {
  parentPort.postMessage({ error: error.message, code: error.code });
} finally {
  db.close();
}
`;

type WorkerAnswer = RepageResult | { error: string; code?: string };

/** Rewrites `path` with 16 KB pages (the caller checks that it needs it). */
export function repageDataFile(path: string): Promise<RepageResult> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, pageSize: PAGE_SIZE } });
  return new Promise<RepageResult>((resolve, reject) => {
    worker.once('message', (answer: WorkerAnswer) => {
      if (!('error' in answer)) return resolve(answer);
      const busy = answer.code === 'IN_USE' || answer.code === 'SQLITE_BUSY' || answer.code === 'SQLITE_LOCKED';
      reject(
        new Error(
          busy
            ? `${path} is open in another process (a running hub?): stop it, then run this again`
            : `cannot rewrite ${path}: ${answer.error}`,
        ),
      );
    });
    worker.once('error', (error) => reject(new Error(`cannot rewrite ${path}: ${error.message}`)));
    worker.once('exit', (code) => reject(new Error(`cannot rewrite ${path}: the rewrite stopped (exit ${code})`)));
  });
}
