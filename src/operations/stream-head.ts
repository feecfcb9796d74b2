import type { BusStreams, StoredMessage, StreamName } from '../bus/event-bus.ts';

/**
 * The seq of the newest event, 0 when there is none: the bus's lastSeq (one step down an index on the
 * embedded bus, the stream's state on NATS), so no event or head is read. Windows below it
 * (readWindowBefore) read events only, whatever the other stream holds at seqs between them. On NATS it
 * may be a deleted replay's seq above the newest event: nothing is lost, a window just holds one fewer.
 */
export async function findHeadSeq(bus: Pick<BusStreams, 'lastSeq'>): Promise<number> {
  return bus.lastSeq('events');
}

/** The first message stored at or after a time (for a time-range query's starting cursor). */
export async function firstSeqSince(bus: Pick<BusStreams, 'query'>, stream: StreamName, since: Date): Promise<number | undefined> {
  return (await bus.query({ stream, since, limit: 1 }))[0]?.seq;
}

export interface WindowScan<T> {
  /** Messages with seq < before, newest first. */
  messages: StoredMessage<T>[];
  /** The exclusive upper bound for the next (older) window; 0 when the start was reached. */
  nextBefore: number;
}

/**
 * Reads one window of messages below `before`, newest first. The window is a seq range of `size`,
 * so the work is bounded by `size` whatever the store holds.
 */
export async function readWindowBefore<T>(
  bus: Pick<BusStreams, 'query'>,
  stream: StreamName,
  before: number,
  size: number,
  floor = 0,
): Promise<WindowScan<T>> {
  const from = Math.max(floor, before - 1 - size);
  const rows = await bus.query<T>({ stream, afterSeq: from, beforeSeq: before, limit: size });
  const messages = rows.filter((m) => m.seq < before).reverse();
  return { messages, nextBefore: from <= floor ? 0 : from + 1 };
}
