import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import { classifyFailure, type FailureReason } from './consumer-failure.ts';
import type { PendingWork } from './event-bus.ts';

/** A consumer (or background loop) the hub watches: it reports progress and failures here. */
export interface ConsumerProbe {
  /** A message was settled (ack, nak or term) or a loop pass finished. */
  progress(): void;
  /** Counts, classifies and logs a failure; returns its class. Logged once per streak of the same reason. */
  failure(error: unknown, context?: Record<string, unknown>): FailureReason;
  /** Where the consumer's pending work is read from (its subscription); loops without one are never "stalled". */
  watch(pending: () => Promise<PendingWork>): void;
  /**
   * The loop stopped because it has nothing to do (the live stream's poller once nobody listens): it shows
   * no age and no failing streak, as if never used, until it reports again.
   */
  idle(): void;
}

/** A consumer with work it is not doing, as /readyz reports it. */
export interface Stall {
  consumer: string;
  reason: string;
  /** Seconds since its last progress. */
  idleSeconds: number;
  pending: number;
}

/** A background loop without a queue (retention, the scheduler…) whose every pass has failed for a while. */
export interface FailingLoop {
  loop: string;
  reason: string;
  /** Seconds since its last pass that worked (or since it started, if none has). */
  failingSeconds: number;
  /** Failed passes in a row. */
  failures: number;
}

export interface ConsumerHealthOptions {
  logger: Logger;
  metrics?: Metrics;
  now?: () => number;
  /** Pending work and no progress for this long is a stall; a loop failing this long is failing. Default 30 s. */
  stallAfterMs?: number;
  /** Told when a consumer starts or stops stalling (meta-events `hookhub.consumer.stalled` / `.recovered`). */
  onStall?: (stall: Stall) => void;
  onRecover?: (consumer: string) => void;
  /** What the bus says every write waits on (EventBus.waitingOn): a stall with no failure of its own names it. */
  waitingOn?: () => FailureReason | undefined;
}

export interface ConsumerHealth {
  probe(consumer: string): ConsumerProbe;
  /** Reads every watched consumer's pending work, updates the gauges and the stall list. Never throws. */
  check(): Promise<void>;
  /** The stalls found by the last check. */
  stalls: () => readonly Stall[];
  /** The loops without a queue found failing by the last check (/readyz shows them as degraded). */
  failingLoops: () => readonly FailingLoop[];
  /** Checks every `everyMs` (default 5 s) until stop(). */
  start(everyMs?: number): void;
  stop(): void;
}

interface Watched {
  lastProgress: number;
  /** It has reported progress or a failure: a loop never used (no schedules, no GitHub sync) shows no age. */
  reported?: boolean;
  lastReason?: FailureReason;
  streak: number;
  pending?: () => Promise<PendingWork>;
  stalled?: Stall;
  /** Since when reading its pending work has failed (unset once a read works). */
  unreadSince?: number;
  /** The count of its last pending read that worked. */
  lastPending?: number;
}

/**
 * Progress, failures and stalls of the hub's consumers. No consumer ends its loop on an error; this is
 * where their failures become visible: one log line per streak, `hookhub_consumer_errors_total`,
 * per-consumer gauges, and the stalls /readyz reports.
 */
export function createConsumerHealth(options: ConsumerHealthOptions): ConsumerHealth {
  const now = options.now ?? Date.now;
  const stallAfterMs = options.stallAfterMs ?? 30_000;
  const consumers = new Map<string, Watched>();
  let stalls: Stall[] = [];
  let failingLoops: FailingLoop[] = [];
  let timer: NodeJS.Timeout | undefined;

  const probe = (consumer: string): ConsumerProbe => {
    const state: Watched = consumers.get(consumer) ?? { lastProgress: now(), streak: 0 };
    consumers.set(consumer, state);
    return {
      progress() {
        state.reported = true;
        state.lastProgress = now();
        if (state.streak > 0)
          options.logger.info({ consumer, failures: state.streak, reason: state.lastReason }, `${consumer}: working again`);
        state.streak = 0;
        delete state.lastReason;
      },
      failure(error, context = {}) {
        state.reported = true;
        const reason = classifyFailure(error);
        options.metrics?.consumerErrors.inc({ consumer, reason });
        if (reason !== state.lastReason)
          options.logger.error({ err: error, consumer, reason, ...context }, `${consumer}: ${describe(reason)}; retrying with back-off`);
        state.lastReason = reason;
        state.streak += 1;
        return reason;
      },
      watch(pending) {
        state.pending = pending;
      },
      idle() {
        state.reported = false;
        state.lastProgress = now();
        state.streak = 0;
        delete state.lastReason;
        options.metrics?.consumerSinceProgress.remove({ consumer });
      },
    };
  };

  const checkOne = async (consumer: string, state: Watched): Promise<Stall | undefined> => {
    const at = now();
    // Loops without a queue (retention, the scheduler, refreshes) show here when they stop passing.
    if (state.pending || state.reported) options.metrics?.consumerSinceProgress.set({ consumer }, (at - state.lastProgress) / 1000);
    if (!state.pending) return undefined;
    let work: PendingWork;
    try {
      work = await state.pending();
      delete state.unreadSince;
      state.lastPending = work.count;
    } catch (error) {
      // One failed read (a leader election outlasting the request) says nothing yet: it is a stall only once
      // the work has gone unread, and the consumer without progress, for stallAfter.
      state.unreadSince ??= at;
      const idleMs = at - Math.max(state.lastProgress, state.unreadSince);
      // A stall found before the read failed stands while there is still no progress.
      if (idleMs < stallAfterMs) return at - state.lastProgress >= stallAfterMs ? state.stalled : undefined;
      return {
        consumer,
        reason: `cannot read its pending work: ${(error as Error).message}`,
        idleSeconds: Math.round(Math.max(0, at - state.lastProgress) / 1000),
        pending: state.lastPending ?? 0,
      };
    }
    const idleMs = work.count > 0 ? at - Math.max(state.lastProgress, work.oldestMs ?? 0) : 0;
    options.metrics?.consumerPending.set({ consumer }, work.count);
    options.metrics?.consumerOldestPending.set({ consumer }, work.oldestMs === undefined ? 0 : Math.max(0, at - work.oldestMs) / 1000);
    if (work.count === 0 || idleMs < stallAfterMs) return undefined;
    return {
      consumer,
      reason: describeStall(state.lastReason ?? options.waitingOn?.()),
      idleSeconds: Math.round(idleMs / 1000),
      pending: work.count,
    };
  };

  /** A loop without a queue cannot stall, but one whose passes have all failed for stallAfter is failing. */
  const failingLoop = (loop: string, state: Watched): FailingLoop | undefined => {
    const sinceMs = now() - state.lastProgress;
    if (state.pending || state.streak === 0 || sinceMs < stallAfterMs) return undefined;
    const reason = state.lastReason && state.lastReason !== 'message' ? describe(state.lastReason) : 'its passes fail';
    return { loop, reason, failingSeconds: Math.round(sinceMs / 1000), failures: state.streak };
  };

  const check = async (): Promise<void> => {
    const found: Stall[] = [];
    const failing: FailingLoop[] = [];
    for (const [consumer, state] of consumers) {
      const loop = failingLoop(consumer, state);
      if (loop) failing.push(loop);
      const stall = await checkOne(consumer, state);
      if (stall && !state.stalled) {
        options.logger.error(
          stall,
          `${consumer} has ${stall.pending} pending and made no progress for ${stall.idleSeconds} s (${stall.reason})`,
        );
        options.onStall?.(stall);
      }
      if (!stall && state.stalled) {
        options.logger.info({ consumer }, `${consumer} recovered`);
        options.onRecover?.(consumer);
      }
      state.stalled = stall;
      if (stall) found.push(stall);
    }
    stalls = found;
    failingLoops = failing;
  };

  return {
    probe,
    check,
    stalls: () => stalls,
    failingLoops: () => failingLoops,
    start(everyMs = 5_000) {
      timer ??= setInterval(
        () => void check().catch((error: unknown) => options.logger.error({ err: error }, 'consumer health check failed')),
        everyMs,
      );
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

function describeStall(reason: FailureReason | undefined): string {
  return reason ? describe(reason) : 'no progress';
}

function describe(reason: FailureReason): string {
  switch (reason) {
    case 'storage_busy':
      return 'the data file is locked by another process (storage busy)';
    case 'storage_down':
      return 'the data file cannot be written (storage down)';
    case 'bus_unreachable':
      return 'NATS cannot be reached (bus unreachable)';
    default:
      return 'a message could not be handled';
  }
}
