import type { Logger } from 'pino';
import type { BusDeadLetters, BusHistory, Delivery } from '../../bus/event-bus.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { jobLogger } from '../../observability/job-logger.ts';
import type { ActionDeps, Job } from '../action.ts';

import { summarizeHistory } from './attempt-history.ts';
import { createPatientAdmission } from './admit-patiently.ts';
import { attemptAndSettle } from './attempt-and-settle.ts';
import { deadLetter, restoreDeadLetter } from './dead-letter-job.ts';
import type { DestinationGuards } from './destination-guards.ts';
import type { DeliveryTrouble } from './delivery-trouble.ts';
import type { GoneDestinations } from './gone-destinations.ts';
import { prepareJob } from './prepare-job.ts';
import { pauseJitter } from './rate-limited.ts';
import type { RetryConfig } from './retry-policy.ts';
import type { ActionRegistry } from '../registry.ts';

export interface ProcessorSettings {
  attemptTimeoutMs: number;
  ackWaitMs: number;
  retry: RetryConfig | undefined;
  /** Upper bound for a destination's Retry-After. */
  maxRetryAfterMs: number;
  random: () => number;
}

export interface ProcessorContext {
  bus: BusHistory & BusDeadLetters;
  registry: ActionRegistry;
  deps: Omit<ActionDeps, 'signal'>;
  logger: Logger;
  metrics: Metrics | undefined;
  guards: DestinationGuards;
  defaultDestinationConcurrency: number;
  globalConcurrency: number;
  /** Waits briefly for a busy/rate-limited destination before putting the job back (see createPatientAdmission). */
  admitPatience?: { maxWaitMs: number; waitersPerSlot: number };
  gone: GoneDestinations;
  settings: ProcessorSettings;
  stopSignal: AbortSignal;
  /** The environment, for the `${VAR}` secret references in jobs. */
  vars?: Readonly<Record<string, string | undefined>>;
  /** Told about dead letters and circuit changes (meta-events). */
  trouble?: DeliveryTrouble;
  /** What attempt records, dead letters, logs and meta-events never hold as it is (see DeliveryWorkerDeps.secrets). */
  secrets?: () => readonly string[];
}

export type JobDelivery = Delivery<Job>;

/** Handles one delivery of a job end to end: idempotency, protection, one attempt, then ack/nak/dead-letter. */
export function createDeliveryProcessor(ctx: ProcessorContext): (delivery: JobDelivery) => Promise<void> {
  const count = (job: Job, channel: string, outcome: string): void => ctx.metrics?.deliveries.inc({ action: job.action, channel, outcome });
  const admit = createAdmission(ctx);

  return async (delivery) => {
    const job = delivery.payload;
    const log = jobLogger(ctx.logger, job);
    const history = summarizeHistory(await ctx.bus.records(job.id));
    if (history.deadLettered) await restoreDeadLetter(ctx, delivery, history.deadReason ?? 'dead-lettered', history);
    if (history.succeeded || history.deadLettered) {
      log.info(
        { succeeded: history.succeeded },
        history.succeeded
          ? 'job already delivered; not sending it again'
          : 'job is dead-lettered; use `hookhub dlq retry` to send it again',
      );
      count(job, '', 'skipped');
      return delivery.ack();
    }
    const prepared = prepareJob(job, ctx.registry, ctx.deps, ctx.settings.retry, ctx.vars);
    if ('error' in prepared) return deadLetter(ctx, delivery, `invalid job: ${prepared.error}`, log);
    const used = history.attempts.length - history.rateLimited.length;
    if (used >= prepared.retry.maxAttempts) {
      return deadLetter(ctx, delivery, `attempts exhausted (${used})`, log, prepared.channel);
    }
    const goneSince = await ctx.gone.goneSince(prepared.destination);
    if (goneSince !== undefined && !history.replayed) {
      return deadLetter(ctx, delivery, `destination gone (HTTP 410 at ${goneSince})`, log, prepared.channel);
    }
    const admission = await admit(prepared.destination, prepared.policy);
    if (!admission.ok) {
      log.debug({ reason: admission.reason, delayMs: admission.delayMs }, 'destination not ready; deferred without using an attempt');
      count(job, prepared.channel, 'deferred');
      return delivery.nak(deferDelay(admission, ctx.settings.random));
    }
    const mayHaveRun = history.allAttempts.length > 0 || history.replayed || delivery.deliveryCount > 1;
    const rateLimited = { count: history.rateLimited.length, ...(history.rateLimited[0] ? { since: history.rateLimited[0].time } : {}) };
    const input = { attempt: used + 1, mayHaveRun, prepared, log, count, goneSince, rateLimited };
    return attemptAndSettle(ctx, delivery, input, admission.release);
  };
}

/**
 * Busy put-backs (and those held while the probe after a pause runs) are spread widely so they don't return in
 * one wave, and so are the jobs a paused destination (429) sent back; other waits with a known end get a little jitter.
 */
function deferDelay(admission: { delayMs: number; reason: string }, random: () => number): number {
  if (admission.reason === 'busy' || admission.reason === 'probing') return Math.round(admission.delayMs * (0.5 + random()));
  if (admission.reason === 'paused') return admission.delayMs + pauseJitter(admission.delayMs, random);
  return admission.delayMs + Math.round(random() * Math.min(1_000, admission.delayMs * 0.1 + 50));
}

/** Admission to a destination that waits briefly for a busy or rate-limited one (see createPatientAdmission). */
function createAdmission(ctx: ProcessorContext) {
  const patience = ctx.admitPatience ?? { maxWaitMs: 5_000, waitersPerSlot: 2 };
  return createPatientAdmission(ctx.guards, {
    maxWaitMs: patience.maxWaitMs,
    // Waiters hold worker slots: never let one destination's waiters take more than a quarter of them.
    maxWaiting: (policy) =>
      Math.min(
        (policy.concurrency ?? ctx.defaultDestinationConcurrency) * patience.waitersPerSlot,
        Math.max(1, Math.floor(ctx.globalConcurrency / 4)),
      ),
  });
}
