import type { EventHead, EventHeadPage, EventHeadQuery } from '../event-bus.ts';
import { DEFAULT_HEAD_SPAN } from '../event-head.ts';
import { matchTypeGlob } from '../../events/type-glob.ts';
import { readHeadEntries } from './nats-head-reader.ts';
import { queryMessages, type QueryDeps } from './nats-query.ts';

/**
 * Event heads newest first. JetStream reads forwards only: seq windows below `beforeSeq`, from a small
 * one doubling up to `span` seqs in all, each read oldest first with the type glob as the server's
 * subject filter, so a rare type costs reads of its own events only.
 */
export async function queryEventHeads(deps: QueryDeps, query: EventHeadQuery): Promise<EventHeadPage> {
  const limit = query.limit ?? 100;
  const stream = deps.names.stream('events');
  const last = (await deps.jsm.streams.info(stream)).state.last_seq;
  let top = Math.min(query.beforeSeq ?? Number.MAX_SAFE_INTEGER, last + 1);
  if (query.until) top = Math.min(top, (await firstSeqSince(deps, query.until)) ?? top);
  const sinceSeq = query.since ? await firstSeqSince(deps, query.since) : 1;
  if (sinceSeq === undefined || limit <= 0) return { heads: [] };
  const floor = sinceSeq - 1;
  const heads: EventHead[] = [];
  let budget = query.span ?? DEFAULT_HEAD_SPAN;
  let window = Math.max(limit * 2, 64);
  while (heads.length < limit && top > floor + 1 && budget > 0) {
    const from = Math.max(floor, top - 1 - Math.min(window, budget));
    const found = await readHeads(deps, query, from + 1, top);
    const wanted = limit - heads.length;
    heads.push(...found.slice(-wanted).reverse());
    if (found.length > wanted) return { heads, next: heads[heads.length - 1]?.seq ?? top };
    budget -= top - 1 - from;
    top = from + 1;
    window *= 2;
  }
  return { heads, ...(top > floor + 1 ? { next: top } : {}) };
}

/** The matching heads with startSeq <= seq < beforeSeq, oldest first, from their head headers. */
async function readHeads(deps: QueryDeps, query: EventHeadQuery, startSeq: number, beforeSeq: number): Promise<EventHead[]> {
  // Messages of an older release sit on type-only subjects: while they may remain, filter here only.
  const filter = deps.names.filter('events', deps.legacy === undefined ? query.type : undefined);
  const request = { stream: deps.names.stream('events'), filter, startSeq, maxMessages: beforeSeq - startSeq };
  const entries = await readHeadEntries(deps, request, (seq, time) => {
    if (seq >= beforeSeq) return 'stop';
    return (query.since && time < query.since) || (query.until && time >= query.until) ? 'skip' : 'keep';
  });
  const out: EventHead[] = [];
  for (const { seq, time, head } of entries) {
    const { id, type, ...fields } = head;
    if (query.type !== undefined && !matchTypeGlob(query.type, type)) continue;
    if (query.connector !== undefined && fields.connector !== query.connector) continue;
    out.push({ seq, id, type, received: time.toISOString(), ...fields });
  }
  return out;
}

async function firstSeqSince(deps: QueryDeps, since: Date): Promise<number | undefined> {
  return (await queryMessages(deps, { stream: 'events', since, limit: 1 }))[0]?.seq;
}
