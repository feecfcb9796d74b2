/** A worker thread's entry (started through bin/run-ts.js by src/api/rules-off-loop.ts): runs one rules task and answers. */
import { parentPort } from 'node:worker_threads';
import { runRulesTask, type RulesTask } from './rules-task.ts';

// Loaded: the task's time limit starts now, not while this thread was still loading the rules engine.
parentPort?.postMessage({ ready: true });
parentPort?.once('message', (task: RulesTask) => {
  try {
    parentPort?.postMessage({ ok: true, result: runRulesTask(task) });
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
