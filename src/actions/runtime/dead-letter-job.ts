import type { Logger } from 'pino';
import { createMasker } from '../../operations/event-view.ts';
import { attemptsForDeadLetter, RecordKind, summarizeHistory, type JobHistory } from './attempt-history.ts';
import type { JobDelivery, ProcessorContext } from './process-delivery.ts';

/**
 * Records the dead letter on the job, stores the job and its attempts in the dead-letter store, then
 * acks. In that order: an operator's retry takes the letter only once it exists, so its `replay`
 * record always follows the `dead-letter` one; a crash before the ack redelivers the job, and the
 * redelivery puts back a letter the crash kept from being stored (restoreDeadLetter).
 */
export async function deadLetter(ctx: ProcessorContext, delivery: JobDelivery, why: string, log: Logger, channel = ''): Promise<void> {
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
export async function restoreDeadLetter(ctx: ProcessorContext, delivery: JobDelivery, reason: string, history: JobHistory): Promise<void> {
  if (delivery.deliveryCount === 1 || (await ctx.bus.getDeadLetter(delivery.payload.id)) !== undefined) return;
  await storeDeadLetter(ctx, delivery, reason, ctx.deps.now().toISOString(), history);
}
