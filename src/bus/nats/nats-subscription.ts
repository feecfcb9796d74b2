import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { ConsumeOptions, Delivery, Subscription } from '../event-bus.ts';
import { decodeEnvelope, timeFromNanos } from './nats-envelope.ts';

export interface SubscriptionDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  timeoutMs: number;
}

export interface ConsumerTarget {
  /** JetStream stream name. */
  stream: string;
  /** Durable consumer name (already NATS-safe). */
  durable: string;
  filter: string;
}

const RETRY_SETUP_MS = 500;

/**
 * A durable pull consumer read through nats.js's consume() iterator (no async callbacks).
 * Subscriptions with the same durable name share the work. Setup is retried while NATS is
 * unreachable, and consume() itself re-pulls after a reconnect, so a subscription outlives outages.
 */
export function createNatsSubscription<T>(
  deps: SubscriptionDeps,
  target: ConsumerTarget,
  options: ConsumeOptions = {},
): Subscription<T> {
  let stopped = false;
  let messages: ConsumerMessages | undefined;
  let wake: (() => void) | undefined;
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function* deliveries(): AsyncGenerator<Delivery<T>> {
    try {
      while (!stopped) {
        try {
          await ensureDurable(deps.jsm, target, options.ackWaitMs ?? 30_000);
          const consumer = await deps.js.consumers.get(target.stream, target.durable);
          messages = await consumer.consume({ max_messages: options.batch ?? 64 });
          if (stopped) return;
          for await (const msg of messages) {
            const delivery = toDelivery<T>(msg, deps.timeoutMs);
            if (delivery !== undefined) yield delivery;
          }
        } catch {
          // NATS unreachable or the consumer vanished: set it up again shortly.
        }
        if (!stopped) await pause(RETRY_SETUP_MS);
      }
    } finally {
      // Also reached when the caller breaks out of its for-await loop.
      stopped = true;
      await messages?.close().catch(() => undefined);
    }
  }

  return {
    [Symbol.asyncIterator]: () => deliveries(),
    async stop() {
      stopped = true;
      wake?.();
      const current = messages;
      if (current !== undefined) {
        await Promise.race([current.close(), new Promise((r) => setTimeout(r, 2_000))]).catch(() => undefined);
      }
    },
  };
}

async function ensureDurable(jsm: JetStreamManager, target: ConsumerTarget, ackWaitMs: number): Promise<void> {
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
    await jsm.consumers
      .update(target.stream, target.durable, { ack_wait: config.ack_wait, max_ack_pending: -1 })
      .catch(() => Promise.reject(err));
  }
}

function toDelivery<T>(msg: JsMsg, timeoutMs: number): Delivery<T> | undefined {
  const time = timeFromNanos(msg.info.timestampNanos);
  let stored;
  try {
    stored = decodeEnvelope<T>(msg.data, msg.info.streamSequence, time);
  } catch {
    // Not a hookhub envelope: nothing can ever process it.
    msg.term('undecodable hookhub envelope');
    return undefined;
  }
  return {
    ...stored,
    deliveryCount: msg.info.deliveryCount,
    async ack() {
      // Double ack: resolves once the server has recorded it, so an acked job is not redone.
      await msg.ackAck({ timeout: timeoutMs });
    },
    async nak(delayMs = 0) {
      if (delayMs > 0) msg.nak(delayMs);
      else msg.nak();
    },
    async term() {
      msg.term();
    },
    async working() {
      msg.working();
    },
  };
}
