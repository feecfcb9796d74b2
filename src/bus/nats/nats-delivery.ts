import type { JsMsg } from '@nats-io/jetstream';
import type { Delivery } from '../event-bus.ts';
import type { Cork } from './nats-cork.ts';
import { decodeEnvelope, timeFromNanos } from './nats-envelope.ts';

/** Told when the subscriber is still working on a delivery, and when it settles it (keep-alive.ts). */
export interface HeldMessages {
  extend(msg: JsMsg): void;
  release(msg: JsMsg): void;
}

const UNTRACKED: HeldMessages = { extend: () => undefined, release: () => undefined };

/** Wraps one JetStream delivery; undefined (and terminated) when its body is not a hookhub envelope. */
export function toDelivery<T>(msg: JsMsg, cork: Cork, held: HeldMessages = UNTRACKED): Delivery<T> | undefined {
  const time = timeFromNanos(msg.info.timestampNanos);
  let stored;
  try {
    stored = decodeEnvelope<T>(msg.data, msg.info.streamSequence, time);
  } catch {
    // Not a hookhub envelope: nothing can ever process it.
    msg.term('undecodable hookhub envelope');
    held.release(msg);
    return undefined;
  }
  return {
    ...stored,
    deliveryCount: msg.info.deliveryCount,
    async ack() {
      // A plain ack, without waiting for the server to confirm it (a round trip and a wake-up per message).
      // Every consumer writes what it did before it acks, so a lost ack (the connection dropped at that
      // moment) costs a redelivery that finds the work done: the router's jobs are deduplicated by id,
      // and a worker reads the job's success from its history and does not send it again.
      held.release(msg);
      await plainAck(msg, cork);
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw from a closed connection into the rejection callers catch
    async nak(delayMs = 0) {
      held.release(msg);
      if (delayMs > 0) msg.nak(delayMs);
      else msg.nak();
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw from a closed connection into the rejection callers catch
    async term() {
      held.release(msg);
      msg.term();
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a throw from a closed connection into the rejection callers catch
    async working() {
      held.extend(msg);
      msg.working();
    },
  };
}

/** Acks `msg` in the current turn's socket write, without waiting for the server to confirm it. */
export function plainAck(msg: JsMsg, cork: Cork): Promise<void> {
  return cork(() => {
    msg.ack();
    return Promise.resolve();
  });
}
