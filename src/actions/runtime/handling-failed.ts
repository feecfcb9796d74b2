import type { Logger } from 'pino';
import { failureBackoffMs, isInfrastructure } from '../../bus/consumer-failure.ts';
import type { ConsumerProbe } from '../../bus/consumer-health.ts';
import type { BusDeadLetters, BusHistory, Delivery } from '../../bus/event-bus.ts';
import { chargeFailure } from '../../bus/message-failures.ts';
import type { Job } from '../action.ts';

/** Failures of one job's handling itself (not an attempt: the bookkeeping around it) before it is set aside. */
export const MAX_HANDLING_FAILURES = 5;

/**
 * Handling a job failed outside its attempt (reading its history, a bug, a malformed job). With the store
 * or the bus down, the job comes back after a back-off however often. A failure of this job itself is
 * charged to it durably (chargeFailure) and retried; on the MAX_HANDLING_FAILURES-th the job is
 * dead-lettered with the reason, so it never blocks the jobs behind it and can be inspected and retried.
 */
export async function handlingFailed(
  bus: Pick<BusDeadLetters, 'deadLetter'> & Pick<BusHistory, 'record' | 'records'>,
  delivery: Delivery<Job>,
  error: unknown,
  probe: ConsumerProbe,
  now: () => Date,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  const reason = probe.failure(error, { jobId: delivery.id, delivery: delivery.deliveryCount });
  try {
    const failures = isInfrastructure(reason) ? 0 : await chargeFailure(bus, delivery, error, now, probe, logger);
    if (failures < MAX_HANDLING_FAILURES) {
      // Backs off by the message's own failures, or by how long an outage has lasted.
      await delivery.nak(failureBackoffMs(failures || delivery.deliveryCount, 250));
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const why = `handling failed ${failures} times: ${message}`;
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
