import type { Logger } from 'pino';
import type { Job } from '../action.ts';
import { deadLetter } from './dead-letter-job.ts';
import type { PreparedJob } from './prepare-job.ts';
import type { JobDelivery, ProcessorContext } from './process-delivery.ts';
import type { AttemptOutcome } from './run-attempt.ts';

type Failure = Extract<AttemptOutcome, { ok: false }>;

/** The job's earlier 429s in this cycle: how many, and when the first came. */
export interface RateLimitHistory {
  count: number;
  since?: string;
}

/**
 * A 429, or a rate limit in other words (GitHub's 403, RateLimitedError): the destination is up and asks us
 * to slow down; it pauses the destination and uses no attempt.
 */
export function isRateLimited(outcome: AttemptOutcome): boolean {
  return !outcome.ok && outcome.kind === 'retry' && (outcome.status === 429 || outcome.rateLimited === true);
}

/** A 503 with Retry-After says the same of the whole destination, but it is a failure and counts as one. */
function asksToPause(outcome: AttemptOutcome): outcome is Failure {
  return !outcome.ok && outcome.kind === 'retry' && outcome.status === 503 && outcome.delayMs !== undefined;
}

/**
 * How long the destination asked everyone to wait: its Retry-After (capped), or for a 429 without one the
 * job's scheduled backoff. Undefined when the answer asks for no pause.
 */
export function destinationPauseMs(
  ctx: ProcessorContext,
  outcome: AttemptOutcome,
  prepared: PreparedJob,
  attempt: number,
): number | undefined {
  if (outcome.ok || (!isRateLimited(outcome) && !asksToPause(outcome))) return undefined;
  const wanted = outcome.delayMs ?? prepared.retry.delayAfter(attempt, ctx.settings.random);
  return Math.min(wanted, ctx.settings.maxRetryAfterMs);
}

/**
 * Whether a pause holds every job to the destination, or only the job that was answered: an action whose
 * destination is shared by many receivers (a webhook's origin, hooks.slack.com) says so, since one of them
 * answering 429 must not hold the others. A channel, a CI project or an account is one receiver. A rate
 * limit met before the destination (jobOnly: a source the job reads) holds only the job too.
 */
export function pausesDestination(prepared: Pick<PreparedJob, 'action'>, outcome: AttemptOutcome): boolean {
  return prepared.action.sharedDestination !== true && !(!outcome.ok && outcome.jobOnly === true);
}

/**
 * Extra delay on top of a pause, so the jobs a pause sent back don't all return at its end: spread over
 * one more pause (at least 250 ms, at most a minute).
 */
export function pauseJitter(pauseMs: number, random: () => number): number {
  return Math.round(random() * Math.min(60_000, Math.max(250, pauseMs)));
}

/** The attempt record's error for a 429 (or another status that says rate limited), with the provider's own text when it said more than the status. */
export function rateLimitMessage(outcome: Failure, pauseMs: number): string {
  const base = `rate limited by destination${statusText(outcome)}, retry after ${seconds(pauseMs)} s`;
  const detail = outcome.message.replace(/^HTTP \d+\b:?\s*/, '');
  return detail === '' ? base : `${base}: ${detail}`;
}

interface RateLimitedInput {
  attempt: number;
  outcome: Failure;
  pauseMs: number;
  prepared: PreparedJob;
  log: Logger;
  rateLimited: RateLimitHistory;
  count: (job: Job, channel: string, outcome: string) => void;
}

/**
 * Retries a 429'd job after the pause and a jitter, without using an attempt. The bound: once the job has
 * had at least as many 429s as its policy has attempts, and its first 429 is older than the policy's whole
 * schedule, a destination that keeps answering 429 gets it dead-lettered, never sooner than before.
 */
export async function settleRateLimited(ctx: ProcessorContext, delivery: JobDelivery, input: RateLimitedInput): Promise<void> {
  const { prepared, log, pauseMs } = input;
  const job = delivery.payload;
  const count = input.rateLimited.count + 1;
  const now = ctx.deps.now().getTime();
  const limitedMs = input.rateLimited.since === undefined ? 0 : Math.max(0, now - Date.parse(input.rateLimited.since));
  if (count >= prepared.retry.maxAttempts && limitedMs >= prepared.retry.scheduleMs) {
    const reason =
      `rate limited by destination${statusText(input.outcome)} ${count} times over ${seconds(limitedMs)} s, longer than its retry schedule ` +
      `(${prepared.retry.maxAttempts} attempts over ${seconds(prepared.retry.scheduleMs)} s): ${input.outcome.message}`;
    return deadLetter(ctx, delivery, reason, log, prepared.channel);
  }
  const waitMs = returnDelayMs(pauseMs, count, prepared.retry.maxAttempts, ctx.settings.maxRetryAfterMs);
  const delayMs = waitMs + pauseJitter(waitMs, ctx.settings.random);
  log.warn(
    { attempt: input.attempt, rateLimited: count, pauseMs, delayMs },
    'rate limited by destination; will retry without using an attempt',
  );
  input.count(job, prepared.channel, 'rate_limited');
  return delivery.nak(delayMs);
}

/**
 * When the job comes back: after the pause for its first `maxAttempts` 429s, then twice as long for each
 * further one (up to `capMs`). A destination that keeps answering `Retry-After: 1` would otherwise have the
 * job back every second until its bound, a day of history records that every delivery reads again.
 */
export function returnDelayMs(pauseMs: number, count: number, maxAttempts: number, capMs: number): number {
  return count <= maxAttempts ? pauseMs : Math.min(capMs, pauseMs * 2 ** (count - maxAttempts));
}

/** ` (429)`, ` (403)`: the status that said so; none for a limit known before sending (a client's own gate). */
function statusText(outcome: Failure): string {
  return outcome.status === undefined ? '' : ` (${outcome.status})`;
}

function seconds(ms: number): string {
  return String(Number((ms / 1_000).toFixed(ms < 10_000 ? 2 : 0)));
}
