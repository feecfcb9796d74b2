import type { BusHistory, BusStreams, EventHead } from '../bus/event-bus.ts';
import { headQuery, matchesText, type EventFilter } from './event-filter.ts';
import { loadEventStatus, routerProgress } from './event-status.ts';
import { summaryOfHead, type EventSummary } from './event-summary.ts';

export interface EventPageRequest {
  filter?: EventFilter;
  /** Cursor from a previous page's `next`. */
  cursor?: string;
  /** Default 50, at most 200. */
  limit?: number;
  /** Event heads read at most for a page with a text or status filter. Default 20,000, 1,000 with a status filter. */
  scanBudget?: number;
}

export interface EventPage {
  events: EventSummary[];
  /** Pass back as `cursor` for older events; absent when the start of history was reached. */
  next?: string;
  /** Event heads read for this page. */
  scanned: number;
  /** Time of the oldest event read: with a rare filter a short page says how far back it looked. */
  searchedTo?: string;
  /**
   * Set when the page stopped at its read limit (`scanBudget` heads, or MAX_READS reads) before it was
   * full: older events were not looked at, and `next` goes on from `searchedTo`.
   */
  searchLimited?: true;
}

/** Upper bound of `limit`. */
export const MAX_PAGE = 200;

/**
 * Seqs one read of heads looks back. Type, connector and time filters are the bus's (indexed on the
 * embedded bus), so a read costs about what it finds; text and status are matched here, head by head.
 */
const FILTERED_SPAN = 20_000;
const SEARCH_SPAN = 2_000;
/** Reads per page at most: 500,000 seqs back with indexed filters alone. */
export const MAX_READS = 25;
/** EventPageRequest.scanBudget when none is given: the heads a text search reads at most, and a status search. */
export const SEARCH_BUDGET = 20_000;
export const STATUS_BUDGET = 1_000;

export class CursorError extends Error {
  override name = 'CursorError';
}

/**
 * Newest-first pages of events with filters, read from event heads (no payload), in reads of bounded
 * span that let other work in between: a page costs about `limit` heads with no filter or indexed ones,
 * at most `scanBudget` with a text or status filter, however many events history holds. A page that
 * stopped at that limit before it was full says so (`searchLimited`), like a backtest's `sizeLimited`.
 */
export async function listEvents(bus: BusStreams & BusHistory, request: EventPageRequest = {}): Promise<EventPage> {
  const filter = request.filter ?? {};
  const limit = Math.min(Math.max(1, request.limit ?? 50), MAX_PAGE);
  const searching = filter.q !== undefined || filter.status !== undefined;
  const budget = searching ? (request.scanBudget ?? (filter.status ? STATUS_BUDGET : SEARCH_BUDGET)) : Number.POSITIVE_INFINITY;
  let before = request.cursor !== undefined ? parseCursor(request.cursor) : undefined;
  const out: EventSummary[] = [];
  let scanned = 0;
  let searchedTo: string | undefined;
  let more = true;
  for (let reads = 0; out.length < limit && reads < MAX_READS && scanned < budget; reads++) {
    if (reads > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const page = await bus.eventHeads({
      ...headQuery(filter),
      ...(before !== undefined ? { beforeSeq: before } : {}),
      limit: searching ? Math.min(SEARCH_SPAN, budget - scanned) : limit - out.length,
      span: searching ? SEARCH_SPAN : FILTERED_SPAN,
    });
    const candidates = filter.q ? page.heads.filter((head) => matchesText(head, filter.q ?? '')) : page.heads;
    const stoppedAt = await collect(bus, candidates, filter, out, limit);
    const read = stoppedAt === undefined ? page.heads : page.heads.filter((head) => head.seq >= stoppedAt);
    scanned += read.length;
    searchedTo = read[read.length - 1]?.received ?? searchedTo;
    if (stoppedAt !== undefined) {
      // The next page starts below the last event of this one: with those read past it, unless none are left.
      more = page.next !== undefined || read.length < page.heads.length;
      before = stoppedAt;
      break;
    }
    if (page.next === undefined) more = false;
    else before = page.next;
    if (!more) break;
  }
  // The loop ends with a page not full while older events remain only at a read limit.
  const limited = more && out.length < limit;
  return {
    events: out,
    ...(more && before !== undefined ? { next: String(before) } : {}),
    scanned,
    ...(searchedTo ? { searchedTo } : {}),
    ...(limited ? { searchLimited: true as const } : {}),
  };
}

/** Adds summaries that pass the status filter; returns the seq it stopped at when the page filled up. */
async function collect(
  bus: BusStreams & BusHistory,
  candidates: readonly EventHead[],
  filter: EventFilter,
  out: EventSummary[],
  limit: number,
): Promise<number | undefined> {
  const routedThrough = routerProgress(bus);
  for (let i = 0; i < candidates.length;) {
    // Status lookups run in parallel (round trips on NATS), but no further than the page needs.
    const chunk = candidates.slice(i, i + Math.max(limit - out.length, 8));
    i += chunk.length;
    const looked = await Promise.all(
      chunk.map(async (head) => ({ head, status: await loadEventStatus(bus, head.id, { seq: head.seq, routedThrough }) })),
    );
    for (const { head, status } of looked) {
      if (filter.status && status !== filter.status) continue;
      out.push({ ...summaryOfHead(head), status });
      if (out.length >= limit) return head.seq;
    }
  }
  return undefined;
}

function parseCursor(cursor: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) throw new CursorError('cursor is not one this API returned');
  return Number(cursor);
}
