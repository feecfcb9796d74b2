import type { BusStreams, StoredMessage, StreamName } from '../bus/event-bus.ts';

/**
 * The highest sequence number of a stream. For events it is the newest event head, so no payload is
 * read. Jobs have no heads: gallop from a hint, then binary search on "is there anything after x" with
 * the contract's ascending query, each probe reading at most one message (~2·log2(seq) queries).
 */
export async function findHeadSeq(bus: Pick<BusStreams, 'query' | 'eventHeads'>, stream: StreamName, hint = 0): Promise<number> {
  if (stream === 'events') return newestEventSeq(bus);
  return probeHeadSeq(bus, stream, hint);
}

/** The seq of the newest event head, 0 when there is none; a page empty for its span goes on below it. */
async function newestEventSeq(bus: Pick<BusStreams, 'eventHeads'>): Promise<number> {
  let page = await bus.eventHeads({ limit: 1 });
  while (page.heads.length === 0 && page.next !== undefined) page = await bus.eventHeads({ limit: 1, beforeSeq: page.next });
  return page.heads[0]?.seq ?? 0;
}

async function probeHeadSeq(bus: Pick<BusStreams, 'query'>, stream: StreamName, hint: number): Promise<number> {
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
