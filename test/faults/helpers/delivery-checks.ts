/** What a counting sink saw, checked against the webhooks the hub accepted. */
import type { CountingSink } from './counting-sink.ts';

/** The job id (idempotency key) the `to-sink` rule's first action gets for event `id`. */
export const sinkKey = (id: string): string => `${id}:to-sink:0`;

export interface DeliveryReport {
  /** Accepted events whose job never had an effect at the sink. */
  undelivered: string[];
  /** Keys that arrived more than once. */
  repeated: string[];
  /** Keys that belong to no webhook that was sent. */
  unknown: string[];
}

export function deliveryReport(sink: CountingSink, accepted: readonly string[], sent: readonly string[]): DeliveryReport {
  const sentKeys = new Set(sent.map(sinkKey));
  return {
    undelivered: accepted.filter((id) => !sink.effects.has(sinkKey(id))),
    repeated: [...sink.received].filter(([, n]) => n > 1).map(([key]) => key),
    unknown: sink.keys().filter((key) => !sentKeys.has(key)),
  };
}

/**
 * Waits until `remaining()` is 0. Delivery speed depends on the machine, so this fails only when
 * nothing was delivered for a whole minute (a stuck consumer, or lost messages), not on a deadline.
 */
export async function whileProgressing(remaining: () => number): Promise<void> {
  let last = remaining();
  let lastProgress = Date.now();
  while (last > 0) {
    if (Date.now() - lastProgress > 60_000) throw new Error(`${last} accepted webhooks not delivered, no progress for 60 s`);
    await new Promise((r) => setTimeout(r, 1_000));
    const now = remaining();
    if (now < last) lastProgress = Date.now();
    last = now;
  }
}
