/** One delivery handed to a subscription, with ack/nak/term/working bound to its lease. */
import type { Delivery } from '../event-bus.ts';
import type { LeasedRow } from './lease-store.ts';
import { toStoredMessage } from './message-store.ts';

/** What a delivery needs from the bus; each resolves once committed. */
export interface LeaseActions {
  /** ack or term: the consumer is done with `seq`. */
  finish(seq: number): Promise<void>;
  /** Visible again to the consumer after `delayMs` (for delivery number `count` only). */
  postpone(seq: number, count: number, delayMs: number): Promise<void>;
}

/** The subscription's view of its own leases (for its `batch` limit). */
export interface LeaseTracker {
  extend(seq: number): void;
  release(seq: number): void;
}

export function createDelivery<T>(row: LeasedRow, actions: LeaseActions, ackWaitMs: number, tracker: LeaseTracker): Delivery<T> {
  let settled = false;
  // Only the first of ack/nak/term counts; later calls are no-ops, as with a JetStream message.
  const settle = async (action: () => Promise<void>): Promise<void> => {
    if (settled) return;
    settled = true;
    try {
      await action();
    } finally {
      tracker.release(row.seq);
    }
  };
  const stored = toStoredMessage(row);
  return {
    id: stored.id,
    subject: stored.subject,
    seq: stored.seq,
    time: stored.time,
    get payload() {
      return stored.payload as T;
    },
    deliveryCount: row.count,
    ack: () => settle(() => actions.finish(row.seq)),
    term: () => settle(() => actions.finish(row.seq)),
    nak: (delayMs = 0) => settle(() => actions.postpone(row.seq, row.count, Math.max(0, delayMs))),
    async working() {
      if (settled) return;
      tracker.extend(row.seq);
      await actions.postpone(row.seq, row.count, ackWaitMs);
    },
  };
}
