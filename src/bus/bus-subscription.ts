/** How a durable consumer takes messages: its deliveries, its subscription and their options. */
import type { StoredMessage } from './bus-message.ts';

/**
 * One delivery of a message to a durable consumer. Exactly one of ack/nak/term should be called.
 *
 * After a consumer error (its handler failed, or its process died, before ack, nak or term) the
 * message stays the consumer's: it is redelivered after the ack wait with `deliveryCount` + 1, and
 * it never holds back the messages behind it. Giving up on it (term, a dead letter) is the consumer's
 * decision: the hub's consumers do so on the 5th failure of the message's own (message-failures.ts).
 * Retention never deletes a message some consumer has not finished, nor any of a stream no consumer
 * has read yet.
 * Both buses pass these cases in test/contract.
 */
export interface Delivery<T = unknown> extends StoredMessage<T> {
  /** 1 on the first delivery, incremented on every redelivery (nak or ack-wait expiry). */
  deliveryCount: number;
  /**
   * Finished: not delivered to this consumer again. On NATS it settles once sent, not once the server
   * confirmed it: an ack lost with the connection means one more delivery, so write what the delivery
   * did before acking it.
   */
  ack(): Promise<void>;
  /** Redeliver later, after `delayMs` (0 = as soon as possible). */
  nak(delayMs?: number): Promise<void>;
  /** Never redeliver this message to this consumer. */
  term(): Promise<void>;
  /** Extend the ack deadline while still working on it. */
  working(): Promise<void>;
}

/** ConsumeOptions.ackWaitMs when none is given. */
export const DEFAULT_ACK_WAIT_MS = 30_000;

export interface ConsumeOptions {
  /**
   * A delivery its live subscriber has not settled is redelivered after this long (from its arrival or its
   * last working()). Default DEFAULT_ACK_WAIT_MS. On NATS, one whose subscriber died, or lost on its way,
   * comes back sooner: after NatsBusOptions.lostDeliveryMs (src/bus/nats/keep-alive.ts).
   */
  ackWaitMs?: number;
  /** How many unacked deliveries this subscription holds at once. Default 64. */
  batch?: number;
  /**
   * Told about every failure of the subscription itself (storage busy or down, bus unreachable).
   * The subscription never ends on one: it backs off (capped) and tries again.
   */
  onError?: (error: unknown) => void;
  /**
   * Which subjects this consumer takes. A message whose subject it turns down counts as finished
   * without being handed out, as if acked on arrival, so it costs the consumer no delivery: the
   * embedded bus skips it while leasing (no lease row, payload unread), NATS acks it as it arrives.
   * Asked when the message is reached, so a change (a rules reload) applies from the next message.
   */
  wants?: (subject: string) => boolean;
  /** Told how many messages `wants` turned down, once they are finished (a consumer's progress). */
  onSkipped?: (count: number) => void;
}

/** Work a consumer has to do now: messages never delivered plus redeliveries that are due. */
export interface PendingWork {
  count: number;
  /** When the oldest of them was stored (epoch ms), if known. */
  oldestMs?: number;
}

/** An async iterator of deliveries; `stop()` ends the iteration. */
export interface Subscription<T = unknown> extends AsyncIterable<Delivery<T>> {
  stop(): Promise<void>;
  /** What this consumer has to do now (for stall detection). Messages waiting out a nak delay are not counted. */
  pending(): Promise<PendingWork>;
}
