import type { BusStreams, StoredMessage, StreamName } from '../bus/event-bus.ts';

/**
 * The highest sequence number of a stream, found with the contract's ascending query alone:
 * gallop from a hint, then binary search on "is there anything after x". Each probe reads at most
 * one message, so this is ~2·log2(seq) cheap queries on either backend.
 */
export async function findHeadSeq(bus: Pick<BusStreams, 'query'>, stream: StreamName, hint = 0): Promise<number> {
  const after = async (seq: number): Promise<StoredMessage | undefined> => (await bus.query({ stream, afterSeq: seq, limit: 1 }))[0];
  let low = Math.max(0, hint);
  let first = await after(low);
  if (first === undefined) {
    if (low === 0) return 0;
    // The hint is past the head (pruned, or a fresh store): search from the start.
    first = await after(0);
    if (first === undefined) return 0;
  }
  // Invariant: something exists after `low` and nothing after `high`; the head is then `high`.
  low = first.seq - 1;
  let step = 1024;
  let high = low + step;
  while ((await after(high)) !== undefined) {
    low = high;
    step *= 2;
    high = low + step;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if ((await after(mid)) === undefined) high = mid;
    else low = mid;
  }
  return high;
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
  const rows = await bus.query<T>({ stream, afterSeq: from, limit: size });
  const messages = rows.filter((m) => m.seq < before).reverse();
  return { messages, nextBefore: from <= floor ? 0 : from + 1 };
}
