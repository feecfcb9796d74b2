import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumerTarget } from './nats-subscription.ts';

/** Creates the subscription's durable pull consumer, or updates the settings that may change on one that exists. */
export async function ensureDurable(jsm: JetStreamManager, target: ConsumerTarget, ackWaitMs: number): Promise<void> {
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
  try {
    await jsm.consumers.add(target.stream, config);
  } catch (err) {
    // Exists with another ack wait (a config change): update what may change.
    await jsm.consumers.update(target.stream, target.durable, { ack_wait: config.ack_wait, max_ack_pending: -1 }).catch(() => {
      throw err;
    });
  }
}
