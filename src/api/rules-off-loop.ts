/**
 * Runs a rules task in a worker thread with a hard time limit, so a pasted rule file can never hold
 * the hub's event loop (webhooks, /healthz) however it was crafted: the worker is terminated when its
 * time is up. One fresh worker per task, at most `maxConcurrent` at once.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError } from './http-kit.ts';
import type { RulesTask, RulesTaskResult } from '../operations/rules-task.ts';

export interface OffLoopOptions {
  /** Hard limit per task, from when its worker has loaded (START_LIMIT_MS bounds the loading). Default 5 s. */
  limitMs?: number;
  /** Tasks running at once; more answer 503. Default 2. */
  maxConcurrent?: number;
  /** The worker's heap. Default 256 MB. */
  heapLimitMb?: number;
}

const RUN_TS = new URL('../../bin/run-ts.js', import.meta.url);
const WORKER = fileURLToPath(new URL('../operations/rules-worker.ts', import.meta.url));
/** How long a worker may take to load the rules engine before the check answers 503. */
const START_LIMIT_MS = 30_000;
/** Enough for a 64 KB rule file and a backtest's events (BACKTEST_READ_LIMIT); a runaway document hits this instead of the hub's heap. */
const HEAP_LIMIT_MB = 256;

/**
 * Runs a task, or a function that builds it (the backtest reads its events there) once a slot is
 * taken: a request refused as busy has read nothing, so many at once cannot each hold a backtest's events.
 */
export type RulesRunner = (task: RulesTask | (() => Promise<RulesTask>)) => Promise<RulesTaskResult>;

export function createRulesRunner(options: OffLoopOptions = {}): RulesRunner {
  const limitMs = options.limitMs ?? 5_000;
  const maxConcurrent = options.maxConcurrent ?? 2;
  const heapMb = options.heapLimitMb ?? HEAP_LIMIT_MB;
  let running = 0;
  return async (task) => {
    if (running >= maxConcurrent) throw new ApiError(503, 'rule checks are busy: try again in a few seconds', { 'retry-after': '5' });
    running += 1;
    try {
      return await runInWorker(typeof task === 'function' ? await task() : task, limitMs, heapMb);
    } finally {
      running -= 1;
    }
  };
}

type WorkerAnswer = { ready: true } | { ok: true; result: RulesTaskResult } | { ok: false; error: string };

function runInWorker(task: RulesTask, limitMs: number, heapMb: number): Promise<RulesTaskResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(RUN_TS, { argv: [WORKER], resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    // Loading the rules engine is the hub's own work (seconds on a busy 2-core machine), not the pasted file's:
    // it gets a bound of its own, and the task's limit starts once the worker is ready.
    let timer = setTimeout(() => {
      finish(() => reject(new ApiError(503, 'the rule checker did not start in time: try again in a few seconds', { 'retry-after': '5' })));
    }, START_LIMIT_MS);
    let settled = false;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      settle();
    };
    worker.on('message', (answer: WorkerAnswer) => {
      if (!('ready' in answer))
        return finish(() => (answer.ok ? resolve(answer.result) : reject(new Error(`rules check failed: ${answer.error}`))));
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish(() => reject(new ApiError(422, `the rules took longer than ${limitMs} ms to check: make the file smaller or simpler`)));
      }, limitMs);
      worker.postMessage(task);
    });
    worker.once('error', (err: NodeJS.ErrnoException) => finish(() => reject(outOfMemory(err) ?? err)));
    worker.once('exit', (code) => finish(() => reject(new Error(`rules check worker exited (${code}) before answering`))));
  });
}

/** A worker that ran out of heap was given more than a check can hold: a clear 422 rather than a 500. */
function outOfMemory(err: NodeJS.ErrnoException): ApiError | undefined {
  if (err.code !== 'ERR_WORKER_OUT_OF_MEMORY') return undefined;
  return new ApiError(422, 'the rules rendered more than a check may hold in memory: try a smaller N, or templates that print less');
}
