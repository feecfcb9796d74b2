/**
 * Retention for the events and jobs streams. JetStream's `max_age` deletes a message whatever its
 * consumers have done with it, so these streams have none: this sweep purges from the front only
 * up to the first message some durable consumer has not finished (its ack floor), and only
 * messages stored before the cutoff; nothing from a stream no durable consumer has read yet.
 * Uses nothing newer than nats-server 2.9.
 */
import type { JetStreamManager } from '@nats-io/jetstream';

/** Purges the finished messages stored before `cutoffMs`; returns how many went. */
export async function sweepStream(jsm: JetStreamManager, stream: string, cutoffMs: number): Promise<number> {
  const info = await jsm.streams.info(stream);
  const { first_seq: first, last_seq: last, messages } = info.state;
  if (messages === 0) return 0;
  const keepFrom = Math.min(await firstUnfinished(jsm, stream), await firstStoredAfter(jsm, stream, first, last, cutoffMs));
  if (keepFrom <= first) return 0;
  const result = await jsm.streams.purge(stream, { seq: keepFrom });
  return result.purged;
}

/**
 * The lowest seq any durable consumer still needs (ack floor + 1). Like embedded, a stream no durable
 * consumer has read yet needs all of it (0): its router or workers have not started.
 */
export async function firstUnfinished(jsm: JetStreamManager, stream: string): Promise<number> {
  let lowest: number | undefined;
  for await (const consumer of jsm.consumers.list(stream)) {
    if (!consumer.config.durable_name) continue;
    lowest = Math.min(lowest ?? Number.MAX_SAFE_INTEGER, consumer.ack_floor.stream_seq + 1);
  }
  return lowest ?? 0;
}

/**
 * Binary search on stored times: the first seq stored at or after the cutoff (last + 1 if none). A probe
 * reads the first message stored at or after its seq: the history carry's filtered purges and deleted
 * copies leave holes, and a hole read as "not old" stopped the search before old records behind it.
 */
export async function firstStoredAfter(
  jsm: JetStreamManager,
  stream: string,
  first: number,
  last: number,
  cutoffMs: number,
): Promise<number> {
  let low = first;
  let high = last + 1;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    const message = await nextStored(jsm, stream, mid);
    if (message !== null && message.time.getTime() < cutoffMs) low = message.seq + 1;
    else high = mid;
  }
  return low;
}

/** The first message stored at or after `seq`, null if none. */
function nextStored(jsm: JetStreamManager, stream: string, seq: number) {
  // The server takes `next_by_subj` on a message get (any subject of the stream: `>`); the client's type
  // lists only seq and last_by_subj.
  return jsm.streams.getMessage(stream, { seq, next_by_subj: '>' } as unknown as { seq: number });
}
