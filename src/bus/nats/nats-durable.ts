import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { savedStart, type ConsumerFloors } from './nats-consumer-floors.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import type { ConsumerTarget } from './nats-subscription.ts';

/**
 * Creates the subscription's durable pull consumer, or updates the settings that may change on one that exists.
 * One created where an earlier one saved its ack floor starts after it (nats-consumer-floors.ts).
 */
export async function ensureDurable(
  jsm: JetStreamManager,
  target: ConsumerTarget,
  ackWaitMs: number,
  floors?: ConsumerFloors,
): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: target.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_deliver: -1,
    // Messages nak'ed with a long backoff stay "pending"; a cap would stall the consumer.
    max_ack_pending: -1,
    filter_subject: target.filter,
  };
  const recreation = floors !== undefined && !(await durableExists(jsm, target)) ? await savedStart(jsm, floors, target) : undefined;
  if (recreation !== undefined) {
    // by_start_sequence and opt_start_seq: nats-server 2.2 and later.
    Object.assign(config, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: recreation.startSeq });
  }
  try {
    await jsm.consumers.add(target.stream, config);
  } catch (err) {
    // Exists with another ack wait (a config change), or another process made it meanwhile: update what may change.
    await jsm.consumers.update(target.stream, target.durable, { ack_wait: config.ack_wait, max_ack_pending: -1 }).catch(() => {
      throw err;
    });
    return;
  }
  if (recreation !== undefined) floors?.recreated?.(recreation);
}

async function durableExists(jsm: JetStreamManager, target: ConsumerTarget): Promise<boolean> {
  try {
    await jsm.consumers.info(target.stream, target.durable);
    return true;
  } catch (error) {
    if (hasNatsCode(error, NatsErrorCodes.ConsumerNotFound)) return false;
    throw error;
  }
}
