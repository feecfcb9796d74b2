/**
 * What is published on the bus and what it stores: messages of the `events` and `jobs` streams, the
 * options of a publish and of a consumer's writes before its ack.
 */
export type StreamName = 'events' | 'jobs';

export interface BusMessage<T = unknown> {
  /** Dedup key. The same id published twice within the dedup horizon (>= 24 h) is stored once. */
  id: string;
  /** Dotted subject used for type filters (event type, or action type for jobs). */
  subject: string;
  payload: T;
  /**
   * A second dedup key, for messages whose id no signature covers (a provider that signs only the
   * body): a publish whose contentKey another id already stored within the dedup horizon is a
   * duplicate. The same id may publish its own contentKey again (a retry).
   */
  contentKey?: string;
  /** `payload` as JSON text, when the publisher has it already: stored instead of serializing `payload`. */
  json?: string;
}

export interface PublishOptions extends WriteTiming {
  /** Bypass dedup: used for replaying a dead letter or an event on purpose. */
  replay?: boolean;
}

export interface WriteTiming {
  /**
   * Settle once the write is committed, before it is on disk. Only for a consumer's writes that come
   * before its own ack in the same store: a power cut can drop only a suffix of the embedded bus's commits,
   * so losing this write loses the ack too, and the message comes back. NATS confirms every write anyway.
   */
  beforeAck?: boolean;
}

/** The timing of a consumer's writes before its own ack or nak (see WriteTiming.beforeAck). */
export const BEFORE_ACK: Readonly<WriteTiming> = Object.freeze({ beforeAck: true });

export interface PublishResult {
  duplicate: boolean;
}

export interface StoredMessage<T = unknown> extends BusMessage<T> {
  /** Monotonic per stream; usable as a pagination cursor. */
  seq: number;
  /** When the bus stored it (ISO 8601). */
  time: string;
}
