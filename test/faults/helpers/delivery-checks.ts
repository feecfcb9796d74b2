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
