import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { classifyFailure, failureBackoffMs, isInfrastructure } from '../../bus/consumer-failure.ts';

export interface OutageRetry {
  /** How long to keep trying, from the first failure. */
  withinMs: number;
  /** The worker is stopping hard: give up at once. */
  stopSignal: AbortSignal;
  /** Keeps the job's delivery held meanwhile (Delivery.working), so the bus does not hand it out again. */
  keepAlive: () => Promise<void>;
  log: Pick<Logger, 'warn'>;
}

const FIRST_PAUSE_MS = 250;
const LONGEST_PAUSE_MS = 1_000;

/**
 * Writes a record that must not be lost while the worker still holds the job: the success of an attempt.
 * A job whose success is not written is put back and, once it comes back, sent to its destination again.
 * A NATS stream that lost its leader with a cluster node refuses writes ("no responders") until the
 * election ends, seconds later (nats-server 2.9 waits 4 to 9 s), and an embedded store may be busy: while
 * the failure is the bus's, the write is tried again for up to `withinMs`, after which it throws as before.
 * A failure of the record itself throws at once.
 */
export async function recordThroughOutage(write: () => Promise<void>, retry: OutageRetry): Promise<void> {
  const deadline = performance.now() + retry.withinMs;
  for (let failures = 1; ; failures++) {
    try {
      return await write();
    } catch (error) {
      const pause = Math.min(failureBackoffMs(failures, FIRST_PAUSE_MS), LONGEST_PAUSE_MS);
      if (!isInfrastructure(classifyFailure(error)) || retry.stopSignal.aborted || performance.now() + pause > deadline) throw error;
      if (failures === 1) retry.log.warn({ err: error }, 'delivered, but the bus cannot record it yet; trying again');
      await retry.keepAlive().catch(() => undefined);
      await sleep(pause, undefined, { signal: retry.stopSignal }).catch(() => undefined);
    }
  }
}
