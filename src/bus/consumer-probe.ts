import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { classifyFailure, describeFailure, type FailureReason } from './consumer-failure.ts';
import type { ConsumerProbe, Stall } from './consumer-health.ts';
import type { PendingWork } from './event-bus.ts';

/** What the hub knows of one watched consumer or loop. */
export interface Watched {
  lastProgress: number;
  /** It has reported progress or a failure: a loop never used (no schedules, no GitHub sync) shows no age. */
  reported?: boolean;
  lastReason?: FailureReason;
  streak: number;
  /** When the current streak of failures began (unset while it passes). */
  failingSince?: number;
  pending?: () => Promise<PendingWork>;
  stalled?: Stall;
  /** Since when reading its pending work has failed (unset once a read works). */
  unreadSince?: number;
  /** The count of its last pending read that worked. */
  lastPending?: number;
  /** Since when, on the hub's clock, it has had work without a break (consumer-stalls.ts). */
  pendingSince?: number;
  /** The last check that found no work. */
  emptyAt?: number;
  /** What it holds back for on purpose (ConsumerProbe.waitingFor). */
  waitingFor?: string;
}

export interface ProbeContext {
  logger: Logger;
  metrics?: Metrics | undefined;
  now: () => number;
}

/** The probe through which one consumer reports into its state: one log line per streak of the same reason. */
export function createProbe(consumer: string, state: Watched, { logger, metrics, now }: ProbeContext): ConsumerProbe {
  return {
    progress() {
      state.reported = true;
      state.lastProgress = now();
      if (state.streak > 0) logger.info({ consumer, failures: state.streak, reason: state.lastReason }, `${consumer}: working again`);
      state.streak = 0;
      delete state.lastReason;
      delete state.failingSince;
    },
    failure(error, context = {}) {
      state.reported = true;
      const reason = classifyFailure(error);
      metrics?.consumerErrors.inc({ consumer, reason });
      if (reason !== state.lastReason)
        logger.error({ err: error, consumer, reason, ...context }, `${consumer}: ${describeFailure(reason)}; retrying with back-off`);
      state.lastReason = reason;
      state.failingSince ??= now();
      state.streak += 1;
      return reason;
    },
    watch(pending) {
      state.pending = pending;
    },
    waitingFor(what) {
      if (what === undefined) delete state.waitingFor;
      else state.waitingFor = what;
    },
    idle() {
      state.reported = false;
      state.lastProgress = now();
      state.streak = 0;
      delete state.lastReason;
      delete state.failingSince;
      metrics?.consumerSinceProgress.remove({ consumer });
    },
  };
}
