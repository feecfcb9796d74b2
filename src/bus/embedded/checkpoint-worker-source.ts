/**
 * The checkpoint worker (checkpointer.ts), run as eval'd source on its own connection: PASSIVE checkpoints every
 * `everyMs`, and a RESTART one, while the bus holds its writes, once the WAL holds `restartPages`.
 */
/** Writes are never held longer than this, whatever the worker does. */
export const MAX_PAUSE_MS = 2_000;

/** What the worker tells the checkpointer. */
export type CheckpointWorkerMessage = { error: string } | { recovered: true } | { pause: true } | { restarted: true };

// Plain CommonJS, so the worker runs the same under tsx, vitest and plain node.
export const CHECKPOINT_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true, timeout: ${MAX_PAUSE_MS / 2} });
let failing = false;
let waiting = false;
// The WAL starts over at the next write after a restart; until then it reports the same pages.
let restartedAt = -1;
// Where a restart held up by a reader (a backup, a shell) left the WAL: each try holds the bus's writes for up to
// the busy timeout, so the next waits until the WAL has grown as much again.
let heldAt = 0;
const attempt = (mode) => {
  try {
    const [result] = db.pragma('wal_checkpoint(' + mode + ')');
    if (failing) parentPort.postMessage({ recovered: true });
    failing = false;
    return result;
  } catch (error) {
    if (!failing) parentPort.postMessage({ error: String((error && error.message) || error) });
    failing = true;
    return undefined;
  }
};
const timer = setInterval(() => {
  if (waiting) return;
  const result = attempt('PASSIVE');
  if (!result) return;
  if (result.log < heldAt) heldAt = 0;
  if (result.log >= heldAt + workerData.restartPages && result.log !== restartedAt) {
    waiting = true;
    parentPort.postMessage({ pause: true });
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'paused') {
    const result = attempt('RESTART');
    restartedAt = result ? result.log : -1;
    heldAt = result && result.busy ? result.log : 0;
    waiting = false;
    parentPort.postMessage({ restarted: true });
    return;
  }
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
