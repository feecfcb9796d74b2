import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.ts';
import type { FailureReason } from './consumer-failure.ts';
import { createProbe, type Watched } from './consumer-probe.ts';
import { checkStall, failingLoop, type StallContext } from './consumer-stalls.ts';
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
  /**
   * The consumer holds back on purpose until `what` happens (the router, until the subscription rules load), or,
   * with undefined, no longer does. A stall meanwhile names it, rather than what holding back causes (on NATS
   * the durable consumer is not created yet, so its pending work cannot be read).
   */
  waitingFor(what: string | undefined): void;
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
  /** Pending work and no progress for this long is a stall; a loop failing (two passes in a row at least) this long is failing. Default 30 s. */
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
    return createProbe(consumer, state, { logger: options.logger, metrics: options.metrics, now });
  };
  const ctx: StallContext = { now, stallAfterMs, metrics: options.metrics, waitingOn: options.waitingOn };

  const check = async (): Promise<void> => {
    const found: Stall[] = [];
    const failing: FailingLoop[] = [];
    for (const [consumer, state] of consumers) {
      const loop = failingLoop(consumer, state, ctx);
      if (loop) failing.push(loop);
      const stall = await checkStall(consumer, state, ctx);
      reportStallChange(consumer, state, stall, options);
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

/** Logs and tells when a consumer starts stalling, and when one that stalled recovers. */
function reportStallChange(consumer: string, state: Watched, stall: Stall | undefined, options: ConsumerHealthOptions): void {
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
}
