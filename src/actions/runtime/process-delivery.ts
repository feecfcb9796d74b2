import type { Logger } from 'pino';
import { BEFORE_ACK, type BusDeadLetters, type BusHistory, type Delivery } from '../../bus/event-bus.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { jobLogger } from '../../observability/job-logger.ts';
import { createMasker } from '../../operations/event-view.ts';
import type { ActionDeps, Job } from '../action.ts';

import { attemptsForDeadLetter, RecordKind, summarizeHistory, type JobHistory } from './attempt-history.ts';
import { createPatientAdmission } from './admit-patiently.ts';
import { maskOutcome } from './mask-attempt.ts';
import type { DestinationGuards } from './destination-guards.ts';
import type { DeliveryTrouble } from './delivery-trouble.ts';
import type { GoneDestinations } from './gone-destinations.ts';
import { prepareJob, type PreparedJob } from './prepare-job.ts';
import type { RetryConfig } from './retry-policy.ts';
import { recordThroughOutage } from './record-through-outage.ts';
import { runAttempt, type AttemptOutcome } from './run-attempt.ts';
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

type JobDelivery = Delivery<Job>;

/** Handles one delivery of a job end to end: idempotency, protection, one attempt, then ack/nak/dead-letter. */
export function createDeliveryProcessor(ctx: ProcessorContext): (delivery: JobDelivery) => Promise<void> {
  const count = (job: Job, channel: string, outcome: string): void => ctx.metrics?.deliveries.inc({ action: job.action, channel, outcome });
  const patience = ctx.admitPatience ?? { maxWaitMs: 5_000, waitersPerSlot: 2 };
  const admit = createPatientAdmission(ctx.guards, {
    maxWaitMs: patience.maxWaitMs,
    // Waiters hold worker slots: never let one destination's waiters take more than a quarter of them.
    maxWaiting: (policy) =>
      Math.min(
        (policy.concurrency ?? ctx.defaultDestinationConcurrency) * patience.waitersPerSlot,
        Math.max(1, Math.floor(ctx.globalConcurrency / 4)),
      ),
  });

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
    if (history.attempts.length >= prepared.retry.maxAttempts) {
      return deadLetter(ctx, delivery, `attempts exhausted (${history.attempts.length})`, log, prepared.channel);
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
    const input = { attempt: history.attempts.length + 1, mayHaveRun, prepared, log, count, goneSince };
    return attemptAndSettle(ctx, delivery, input, admission.release);
  };
}

/** Busy put-backs are spread widely so they don't return in one wave; waits with a known end get a little jitter. */
function deferDelay(admission: { delayMs: number; reason: string }, random: () => number): number {
  if (admission.reason === 'busy') return Math.round(admission.delayMs * (0.5 + random()));
  return admission.delayMs + Math.round(random() * Math.min(1_000, admission.delayMs * 0.1 + 50));
}

interface AttemptInput {
  attempt: number;
  /** ActionContext.mayHaveRun: an earlier attempt, a replay, or a redelivery (which may follow a crash mid-attempt). */
  mayHaveRun: boolean;
  prepared: PreparedJob;
  log: Logger;
  count: (job: Job, channel: string, outcome: string) => void;
  goneSince: string | undefined;
}

async function attemptAndSettle(
  ctx: ProcessorContext,
  delivery: JobDelivery,
  input: AttemptInput,
  release: (outcome: 'success' | 'failure' | 'neutral') => void,
): Promise<void> {
  const { attempt, prepared, log } = input;
  const job = delivery.payload;
  const attempted = await runAttempt(prepared.action, prepared.params, job, {
    deps: ctx.deps,
    log,
    timeoutMs: prepared.policy.timeout ?? ctx.settings.attemptTimeoutMs,
    stopSignal: ctx.stopSignal,
    heartbeat: () => delivery.working(),
    heartbeatMs: Math.max(1_000, Math.floor(ctx.settings.ackWaitMs / 3)),
    mayHaveRun: input.mayHaveRun,
  });
  const outcome = maskOutcome(attempted, ctx.secrets?.() ?? [], prepared);
  if (!outcome.ok && ctx.stopSignal.aborted) {
    // Shutting down: this attempt was cut short by us, not by the destination; it doesn't count.
    release('neutral');
    return delivery.nak(0);
  }
  // A 4xx means the destination is up: only retryable failures count towards opening the circuit.
  const before = ctx.guards.circuit(prepared.destination);
  release(!outcome.ok && outcome.kind === 'retry' ? 'failure' : 'success');
  reportCircuit(ctx, prepared.destination, before, job);
  // Revive before the success is recorded: once a job reads as delivered, new jobs find the destination up.
  if (outcome.ok && input.goneSince !== undefined) await ctx.gone.revive(prepared.destination);
  await recordAttempt(ctx, delivery, { attempt, outcome, prepared, log });
  if (!outcome.ok) return settleFailure(ctx, delivery, { ...input, outcome });
  log.info({ attempt, status: outcome.status, latencyMs: outcome.latencyMs }, 'delivered');
  input.count(job, prepared.channel, 'success');
  return delivery.ack();
}

interface FailureInput extends AttemptInput {
  outcome: Extract<AttemptOutcome, { ok: false }>;
}

async function settleFailure(ctx: ProcessorContext, delivery: JobDelivery, input: FailureInput): Promise<void> {
  const { attempt, outcome, prepared, log } = input;
  const job = delivery.payload;
  if (outcome.kind === 'gone') await ctx.gone.markGone(prepared.destination, job.id);
  if (outcome.kind === 'retry' && attempt < prepared.retry.maxAttempts) {
    const delayMs =
      outcome.delayMs !== undefined
        ? Math.min(outcome.delayMs, ctx.settings.maxRetryAfterMs)
        : prepared.retry.delayAfter(attempt, ctx.settings.random);
    log.warn({ attempt, status: outcome.status, error: outcome.message, delayMs }, 'attempt failed; will retry');
    input.count(job, prepared.channel, 'retry');
    return delivery.nak(Number.isFinite(delayMs) ? delayMs : 1_000);
  }
  const reason =
    outcome.kind === 'retry'
      ? `attempts exhausted (${attempt}): ${outcome.message}`
      : `${outcome.kind === 'gone' ? 'destination gone' : 'permanent failure'}: ${outcome.message}`;
  return deadLetter(ctx, delivery, reason, log, prepared.channel);
}

async function recordAttempt(
  ctx: ProcessorContext,
  delivery: JobDelivery,
  { attempt, outcome, prepared, log }: { attempt: number; outcome: AttemptOutcome; prepared: PreparedJob; log: Logger },
): Promise<void> {
  const job = delivery.payload;
  const result = outcome.ok ? 'success' : outcome.kind === 'retry' ? 'retry' : outcome.kind === 'gone' ? 'gone' : 'failed';
  // Written before this delivery's ack or nak (BEFORE_ACK), so it need not be on disk first: a power cut
  // that loses it loses the ack too, and the job comes back and is sent again with the same
  // idempotency key, as after a crash between the send and this record. It saves a sync per job.
  const record = {
    ref: job.id,
    kind: RecordKind.attempt,
    time: ctx.deps.now().toISOString(),
    data: {
      attempt,
      outcome: result,
      destination: prepared.destination,
      // The channels chart reads it here, not from the job's (possibly large) payload; '' for none.
      channel: prepared.channel,
      latencyMs: outcome.latencyMs,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(outcome.response === undefined ? {} : { response: outcome.response }),
      ...(outcome.ok ? (outcome.label === undefined ? {} : { label: outcome.label }) : { error: outcome.message }),
    },
  };
  const write = () => ctx.bus.record(record, BEFORE_ACK);
  // A success that is not written down is sent again once the job comes back: it waits out a leader election.
  // Not a failure: written twice (a write that timed out had landed), it would count as two attempts.
  if (outcome.ok) {
    const keepAlive = () => delivery.working();
    await recordThroughOutage(write, { withinMs: ctx.settings.ackWaitMs / 2, stopSignal: ctx.stopSignal, keepAlive, log });
  } else await write();
  ctx.metrics?.attemptLatency.observe({ action: job.action, channel: prepared.channel, outcome: result }, outcome.latencyMs / 1_000);
}

/** Closed -> open, and back to closed. A failed half-open probe re-opens quietly: the circuit was reported open already. */
function reportCircuit(ctx: ProcessorContext, destination: string, before: string, job: Job): void {
  const after = ctx.guards.circuit(destination);
  if (before === 'closed' && after === 'open') ctx.trouble?.circuitChanged({ destination, state: 'open', job });
  else if (before !== 'closed' && after === 'closed') ctx.trouble?.circuitChanged({ destination, state: 'closed', job });
}

/**
 * Records the dead letter on the job, stores the job and its attempts in the dead-letter store, then
 * acks. In that order: an operator's retry takes the letter only once it exists, so its `replay`
 * record always follows the `dead-letter` one; a crash before the ack redelivers the job, and the
 * redelivery puts back a letter the crash kept from being stored (restoreDeadLetter).
 */
async function deadLetter(ctx: ProcessorContext, delivery: JobDelivery, why: string, log: Logger, channel = ''): Promise<void> {
  const job = delivery.payload;
  const reason = createMasker(ctx.secrets?.() ?? [])(why);
  const time = ctx.deps.now().toISOString();
  const history = summarizeHistory(await ctx.bus.records(job.id));
  await ctx.bus.record({ ref: job.id, kind: RecordKind.deadLetter, time, data: { reason } });
  await storeDeadLetter(ctx, delivery, reason, time, history);
  log.error({ reason, attempts: history.attempts.length }, 'dead-lettered');
  ctx.trouble?.deadLettered({ job, reason, attempts: history.attempts.length, destination: channel, time });
  ctx.metrics?.deliveries.inc({ action: job.action, channel, outcome: 'dead_letter' });
  return delivery.ack();
}

function storeDeadLetter(ctx: ProcessorContext, delivery: JobDelivery, reason: string, time: string, history: JobHistory) {
  return ctx.bus.deadLetter({
    id: delivery.payload.id,
    subject: delivery.subject,
    payload: delivery.payload,
    reason,
    time,
    attempts: attemptsForDeadLetter(history.allAttempts),
  });
}

/** A redelivered job whose history says dead-lettered: the hub stopped before its letter was stored. */
async function restoreDeadLetter(ctx: ProcessorContext, delivery: JobDelivery, reason: string, history: JobHistory): Promise<void> {
  if (delivery.deliveryCount === 1 || (await ctx.bus.getDeadLetter(delivery.payload.id)) !== undefined) return;
  await storeDeadLetter(ctx, delivery, reason, ctx.deps.now().toISOString(), history);
}
