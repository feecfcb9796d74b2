import type { Logger } from 'pino';
import { classifyFailure, isInfrastructure } from './consumer-failure.ts';
import type { ConsumerProbe } from './consumer-health.ts';
import { BEFORE_ACK, type BusHistory, type Delivery } from './event-bus.ts';

/** The history record kind of one failure charged to a message itself (a bug, data nothing expected). */
export const MESSAGE_FAILURE_KIND = 'message-failure';

/**
 * Records one failure of this delivered message and answers how many its stored copy has had, this one
 * included. Not `deliveryCount`: that also grows with the naks of a store or bus outage and with the
 * redeliveries after a crash or a restart, none of them the message's fault. Not a count in memory
 * either: a message that fails and then sees its hub restart would never reach the limit. A copy is its
 * `seq`, so a replayed or retried one starts again from none. When the failure cannot be recorded or
 * read back because the store or the bus is down, nothing is charged: 0. When it cannot for any other
 * reason (a record that does not parse, a bug), the answer is `deliveryCount`: 0 would nak the message
 * for ever, and its deliveries still bound how often it goes round.
 */
export async function chargeFailure(
  bus: Pick<BusHistory, 'record' | 'records'>,
  delivery: Delivery,
  error: unknown,
  now: () => Date,
  probe: ConsumerProbe,
  logger: Pick<Logger, 'warn'>,
): Promise<number> {
  try {
    const message = error instanceof Error ? error.message : String(error);
    const data = { seq: delivery.seq, delivery: delivery.deliveryCount, error: message };
    await bus.record({ ref: delivery.id, kind: MESSAGE_FAILURE_KIND, time: now().toISOString(), data }, BEFORE_ACK);
    const records = await bus.records(delivery.id);
    return records.filter((r) => r.kind === MESSAGE_FAILURE_KIND && r.data.seq === delivery.seq).length;
  } catch (chargeError) {
    if (isInfrastructure(classifyFailure(chargeError))) {
      probe.failure(chargeError, { ref: delivery.id });
      return 0;
    }
    logger.warn(
      { err: chargeError, ref: delivery.id, delivery: delivery.deliveryCount },
      'cannot count the failures of this message from its history records: counting its deliveries instead',
    );
    return delivery.deliveryCount;
  }
}
