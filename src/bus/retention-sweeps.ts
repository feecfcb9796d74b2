/** A bus's background retention: a pass every `pruneEveryMs`, told to the bus's RetentionReport. */
import type { RetentionReport } from './event-bus.ts';
import { coalesce } from '../shared/coalesce.ts';

/** The report of a bus opened without one (CLI commands): failures still show, on stderr. */
export const WARN_ONLY: RetentionReport = {
  swept: () => undefined,
  failed: (error) => process.emitWarning(error instanceof Error ? error.message : String(error), 'HookhubStorageWarning'),
};

/** Runs `prune` every `everyMs` without keeping the process alive; clear the returned timer to stop. */
export function startRetentionSweeps(prune: () => Promise<unknown>, report: RetentionReport | undefined, everyMs: number): NodeJS.Timeout {
  // A pass held up by another process's write lock must not meet the next tick's: they share one cursor.
  const sweep = coalesce(() =>
    prune().then(
      () => report?.swept(),
      (error: unknown) => report?.failed(error),
    ),
  );
  const timer = setInterval(() => void (sweep.busy() ? undefined : sweep()), everyMs);
  timer.unref();
  return timer;
}
