import type { Logger } from 'pino';
import type { Job } from '../action.ts';
import { deadLetter } from './dead-letter-job.ts';
import { maskOutcome } from './mask-attempt.ts';
import type { PreparedJob } from './prepare-job.ts';
import type { JobDelivery, ProcessorContext } from './process-delivery.ts';
import {
  destinationPauseMs,
  isRateLimited,
  pausesDestination,
  rateLimitMessage,
  settleRateLimited,
  type RateLimitHistory,
} from './rate-limited.ts';
import { recordAttempt } from './record-attempt.ts';
import { runAttempt, type AttemptOutcome } from './run-attempt.ts';

interface AttemptInput {
  attempt: number;
  /** ActionContext.mayHaveRun: an earlier attempt, a replay, or a redelivery (which may follow a crash mid-attempt). */
  mayHaveRun: boolean;
  prepared: PreparedJob;
  log: Logger;
  count: (job: Job, channel: string, outcome: string) => void;
  goneSince: string | undefined;
  /** The job's 429s so far in this cycle (they use no attempt). */
  rateLimited: RateLimitHistory;
}

/** Runs one attempt of an admitted job, records it, then acks, retries or dead-letters the job. */
export async function attemptAndSettle(
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
  // Before the release: jobs waiting for this slot must find the destination paused.
  const pauseMs = destinationPauseMs(ctx, outcome, prepared, attempt);
  if (pauseMs !== undefined && pausesDestination(prepared, outcome)) ctx.guards.pause(prepared.destination, prepared.policy, pauseMs);
  // A 4xx means the destination is up: only retryable failures count towards opening the circuit, a 429 not at all.
  const before = ctx.guards.circuit(prepared.destination);
  release(isRateLimited(outcome) ? 'neutral' : !outcome.ok && outcome.kind === 'retry' ? 'failure' : 'success');
  reportCircuit(ctx, prepared.destination, before, job);
  // Revive before the success is recorded: once a job reads as delivered, new jobs find the destination up.
  if (outcome.ok && input.goneSince !== undefined) await ctx.gone.revive(prepared.destination);
  if (!outcome.ok && isRateLimited(outcome) && pauseMs !== undefined) {
    const limited = { ...outcome, message: rateLimitMessage(outcome, pauseMs) };
    await recordAttempt(ctx, delivery, { attempt, outcome: limited, prepared, log, rateLimited: true });
    return settleRateLimited(ctx, delivery, { ...input, outcome: limited, pauseMs });
  }
  await recordAttempt(ctx, delivery, { attempt, outcome, prepared, log });
  if (!outcome.ok) return settleFailure(ctx, delivery, { ...input, outcome });
  if (outcome.warning === undefined) log.info({ attempt, status: outcome.status, latencyMs: outcome.latencyMs }, 'delivered');
  else {
    log.warn({ attempt, status: outcome.status, latencyMs: outcome.latencyMs, warning: outcome.warning }, 'delivered with a warning');
    ctx.metrics?.deliveryWarnings.inc({ action: job.action, channel: prepared.channel });
  }
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

/** Closed -> open, and back to closed. A failed half-open probe re-opens quietly: the circuit was reported open already. */
function reportCircuit(ctx: ProcessorContext, destination: string, before: string, job: Job): void {
  const after = ctx.guards.circuit(destination);
  if (before === 'closed' && after === 'open') ctx.trouble?.circuitChanged({ destination, state: 'open', job });
  else if (before !== 'closed' && after === 'closed') ctx.trouble?.circuitChanged({ destination, state: 'closed', job });
}
