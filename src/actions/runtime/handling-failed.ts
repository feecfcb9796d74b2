import { failureBackoffMs, isInfrastructure } from '../../bus/consumer-failure.ts';
import type { ConsumerProbe } from '../../bus/consumer-health.ts';
import type { BusDeadLetters, Delivery } from '../../bus/event-bus.ts';
import type { Job } from '../action.ts';

/** Deliveries of one job whose handling itself failed (not an attempt: the bookkeeping around it) before it is set aside. */
export const MAX_HANDLING_FAILURES = 5;

/**
 * Handling a job failed outside its attempt (reading its history, a bug, a malformed job). With the store
 * or the bus down, the job comes back after a back-off however often. A failure of this job itself is
 * retried a bounded number of times, then the job is dead-lettered with the reason, so it never blocks
 * the jobs behind it and can be inspected and retried.
 */
export async function handlingFailed(
  bus: Pick<BusDeadLetters, 'deadLetter'>,
  delivery: Delivery<Job>,
  error: unknown,
  probe: ConsumerProbe,
  now: () => Date,
): Promise<void> {
  const reason = probe.failure(error, { jobId: delivery.id, delivery: delivery.deliveryCount });
  try {
    if (isInfrastructure(reason) || delivery.deliveryCount < MAX_HANDLING_FAILURES) {
      await delivery.nak(failureBackoffMs(delivery.deliveryCount, 250));
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const why = `handling failed ${delivery.deliveryCount} times: ${message}`;
    await bus.deadLetter({
      id: delivery.id,
      subject: delivery.subject,
      payload: delivery.payload,
      reason: why,
      time: now().toISOString(),
      attempts: [],
    });
    await delivery.ack();
  } catch (settleError) {
    // Not settled: the bus redelivers it after the ack wait.
    probe.failure(settleError, { jobId: delivery.id });
  }
}
