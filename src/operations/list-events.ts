import type { BusHistory, BusStreams, EventHead, EventHeadQuery, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { matchTypeGlob } from '../events/type-glob.ts';
import { loadEventStatus, routerProgress, type EventStatus } from './event-status.ts';

export interface EventFilter {
  /** Type glob (`github.**`). */
  type?: string;
  connector?: string;
  /** Received at or after (inclusive). */
  since?: Date;
  /** Received before (exclusive). */
  until?: Date;
  status?: EventStatus;
  /** Case-insensitive text in the subject, title, actor or id. */
  q?: string;
}

export interface EventPageRequest {
  filter?: EventFilter;
  /** Cursor from a previous page's `next`. */
  cursor?: string;
  /** Default 50, at most 200. */
  limit?: number;
  /** Event heads read at most for a page with a text or status filter. Default 20,000, 1,000 with a status filter. */
  scanBudget?: number;
}

export interface EventSummary {
  seq: number;
  id: string;
  type: string;
  connector: string;
  subject?: string;
  title?: string;
  actor?: string;
  url?: string;
  /** The provider's event time. */
  time: string;
  /** When the hub stored it. */
  received: string;
  status: EventStatus;
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

/** What the bus filters by: time, type and connector. */
function headQuery(filter: EventFilter): EventHeadQuery {
  return {
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.connector ? { connector: filter.connector } : {}),
    ...(filter.since ? { since: filter.since } : {}),
    ...(filter.until ? { until: filter.until } : {}),
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

/** Case-insensitive text in the subject, title, actor or id. */
function matchesText(head: EventHead, q: string): boolean {
  const needle = q.toLowerCase();
  return [head.subject, head.title, head.actor, head.id].some((v) => v !== undefined && v.toLowerCase().includes(needle));
}

/** List-row fields of an event head (no status). */
export function summaryOfHead(head: EventHead): Omit<EventSummary, 'status'> {
  const { seq, id, type, connector, subject, title, actor, url, time, received } = head;
  return {
    seq,
    id,
    type,
    connector,
    ...(subject ? { subject } : {}),
    ...(title ? { title } : {}),
    ...(actor ? { actor } : {}),
    ...(url ? { url } : {}),
    time: time ?? received,
    received,
  };
}

/** The filters that need only the stored message (no history lookups). */
export function matchesStatic(message: StoredMessage<HubEvent>, filter: EventFilter): boolean {
  const event = message.payload;
  if (filter.type && !matchTypeGlob(filter.type, message.subject)) return false;
  if (filter.connector && event?.connector !== filter.connector) return false;
  const received = Date.parse(message.time);
  if (filter.since && received < filter.since.getTime()) return false;
  if (filter.until && received >= filter.until.getTime()) return false;
  if (filter.q) {
    const needle = filter.q.toLowerCase();
    const haystack = [event?.subject, event?.title, event?.actor, message.id].filter((v) => typeof v === 'string');
    if (!haystack.some((v) => v.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** List-row fields of a stored event (no status). */
export function summaryOf(message: StoredMessage<HubEvent>): Omit<EventSummary, 'status'> {
  const e = message.payload;
  return {
    seq: message.seq,
    id: message.id,
    type: message.subject,
    connector: typeof e?.connector === 'string' ? e.connector : '',
    ...(e?.subject ? { subject: e.subject } : {}),
    ...(e?.title ? { title: e.title } : {}),
    ...(e?.actor ? { actor: e.actor } : {}),
    ...(e?.url ? { url: e.url } : {}),
    time: typeof e?.time === 'string' ? e.time : message.time,
    received: message.time,
  };
}
