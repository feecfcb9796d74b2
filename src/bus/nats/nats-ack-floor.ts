import type { JetStreamManager } from '@nats-io/jetstream';
import type { StreamName } from '../bus-message.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { durableName, type NatsNames } from './nats-names.ts';

/** JetStream's ack floor: everything at or below it is acked (or termed). 0 while the consumer does not exist. */
export async function consumerAckFloor(jsm: JetStreamManager, names: NatsNames, stream: StreamName, consumer: string): Promise<number> {
  try {
    return (await jsm.consumers.info(names.stream(stream), durableName(consumer))).ack_floor.stream_seq;
  } catch (error) {
    if (hasNatsCode(error, NatsErrorCodes.ConsumerNotFound)) return 0;
    throw error;
  }
}
