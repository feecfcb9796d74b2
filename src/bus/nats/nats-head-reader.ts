import { eventHeadOf } from '../event-head.ts';
import { decodeEnvelope, HEAD_HEADER, readHeadHeader, timeFromNanos, type HeaderHead } from './nats-envelope.ts';
import { readRange, type RangeRequest, type ReadDeps } from './nats-read.ts';

export interface HeadEntry {
  seq: number;
  /** When the server stored it. */
  time: Date;
  head: HeaderHead;
}

/** For each message of a range, by seq and stored time: keep it, skip it, or stop the read there. */
export type HeadVerdict = (seq: number, time: Date) => 'keep' | 'skip' | 'stop';

/**
 * The heads of the events a range holds, oldest first, from their head headers through a headers-only
 * consumer: no body crosses the network. Events an older release stored have no head header; they are
 * read whole in one more pass over their seqs (until retention has removed them all).
 */
export async function readHeadEntries(deps: ReadDeps, request: RangeRequest, verdict: HeadVerdict): Promise<HeadEntry[]> {
  const entries: (HeadEntry | { seq: number; time: Date; head: undefined })[] = [];
  for await (const msg of readRange(deps, { ...request, headersOnly: true })) {
    const seq = msg.info.streamSequence;
    const time = timeFromNanos(msg.info.timestampNanos);
    const decided = verdict(seq, time);
    if (decided === 'stop') break;
    if (decided === 'keep') entries.push({ seq, time, head: readHeadHeader(msg.headers?.get(HEAD_HEADER)) });
  }
  const missing = entries.filter((e) => e.head === undefined).map((e) => e.seq);
  const bodies = missing.length === 0 ? new Map<number, HeaderHead>() : await headsFromBodies(deps, request, missing);
  const out: HeadEntry[] = [];
  for (const entry of entries) {
    const head = entry.head ?? bodies.get(entry.seq);
    // A message gone between the two reads (retention) has nothing to show.
    if (head) out.push({ seq: entry.seq, time: entry.time, head });
  }
  return out;
}

/** Heads of the given seqs (ascending), from their whole messages, in one read from the first to the last. */
async function headsFromBodies(deps: ReadDeps, request: RangeRequest, seqs: readonly number[]): Promise<Map<number, HeaderHead>> {
  const wanted = new Set(seqs);
  const first = seqs[0] ?? 0;
  const last = seqs[seqs.length - 1] ?? 0;
  const out = new Map<number, HeaderHead>();
  const range = readRange(deps, { stream: request.stream, filter: request.filter, startSeq: first, maxMessages: last - first + 1 });
  for await (const msg of range) {
    const seq = msg.info.streamSequence;
    if (seq > last) break;
    if (!wanted.has(seq)) continue;
    const message = decodeEnvelope(msg.data, seq, timeFromNanos(msg.info.timestampNanos));
    out.set(seq, { id: message.id, type: message.subject, ...eventHeadOf(message.payload) });
  }
  return out;
}
