import type { Logger } from 'pino';
import { BEFORE_ACK } from '../../bus/event-bus.ts';
import { RecordKind } from './attempt-history.ts';
import type { PreparedJob } from './prepare-job.ts';
import type { JobDelivery, ProcessorContext } from './process-delivery.ts';
import { recordThroughOutage } from './record-through-outage.ts';
import type { AttemptOutcome } from './run-attempt.ts';

/** Writes an attempt's outcome to the job's history and observes its latency. */
export async function recordAttempt(
  ctx: ProcessorContext,
  delivery: JobDelivery,
  input: { attempt: number; outcome: AttemptOutcome; prepared: PreparedJob; log: Logger; rateLimited?: boolean },
): Promise<void> {
  const { attempt, outcome, prepared, log } = input;
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
      // A 429: it used no attempt of the retry policy (see rate-limited.ts).
      ...(input.rateLimited === true ? { rateLimited: true } : {}),
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(outcome.response === undefined ? {} : { response: outcome.response }),
      ...(outcome.ok ? (outcome.label === undefined ? {} : { label: outcome.label }) : { error: outcome.message }),
      ...(outcome.ok && outcome.warning !== undefined ? { warning: outcome.warning } : {}),
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
