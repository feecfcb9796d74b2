import type { BusHistory, BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { matchTypeGlob } from '../events/type-glob.ts';
import { loadEventStatus, routerProgress, type EventStatus } from './event-status.ts';
import { findHeadSeq, firstSeqSince, readWindowBefore } from './stream-head.ts';

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
  /** Messages read at most for this page (bounds latency with rare filters). Default 5000, 1000 with a status filter. */
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
  /** Messages read for this page. */
  scanned: number;
  /** Time of the oldest message read: with a rare filter a short page says how far back it looked. */
  searchedTo?: string;
}

/** Upper bound of `limit`. */
export const MAX_PAGE = 200;

export class CursorError extends Error {
  override name = 'CursorError';
}

/**
 * Newest-first pages of the `events` stream with filters. Reads seq windows backwards, so a page
 * costs about `limit` reads with no filter and at most `scanBudget` reads with any filter, however
 * many events history holds.
 */
export async function listEvents(bus: BusStreams & BusHistory, request: EventPageRequest = {}, headHint = 0): Promise<EventPage> {
  const filter = request.filter ?? {};
  const limit = Math.min(Math.max(1, request.limit ?? 50), MAX_PAGE);
  const budget = request.scanBudget ?? (filter.status ? 1000 : 5000);
  const floor = filter.since ? ((await firstSeqSince(bus, 'events', filter.since)) ?? Number.MAX_SAFE_INTEGER) - 1 : 0;
  let before = request.cursor !== undefined ? parseCursor(request.cursor) : await startBefore(bus, filter, headHint);
  const out: EventSummary[] = [];
  let scanned = 0;
  let window = Math.max(limit * 2, 100);
  let searchedTo: string | undefined;
  while (before > floor + 1 && out.length < limit && scanned < budget) {
    const scan = await readWindowBefore<HubEvent>(bus, 'events', before, window, floor);
    const taken = scan.messages.slice(0, budget - scanned);
    scanned += taken.length;
    const last = taken[taken.length - 1];
    if (last) searchedTo = last.time;
    const candidates = taken.filter((m) => matchesStatic(m, filter));
    const stoppedAt = await collect(bus, candidates, filter, out, limit);
    if (stoppedAt !== undefined) {
      // Read but past the end of this page: the next page reads them again.
      scanned -= taken.filter((m) => m.seq < stoppedAt).length;
      before = stoppedAt;
    } else before = taken.length < scan.messages.length && last ? last.seq : scan.nextBefore;
    window = Math.min(window * 2, 2000);
  }
  const more = before > floor + 1;
  return { events: out, ...(more ? { next: String(before) } : {}), scanned, ...(searchedTo ? { searchedTo } : {}) };
}

/** Adds summaries that pass the status filter; returns the seq it stopped at when the page filled up. */
async function collect(
  bus: BusStreams & BusHistory,
  candidates: StoredMessage<HubEvent>[],
  filter: EventFilter,
  out: EventSummary[],
  limit: number,
): Promise<number | undefined> {
  const routed = routerProgress(bus);
  for (let i = 0; i < candidates.length;) {
    // Status lookups run in parallel (round trips on NATS), but no further than the page needs.
    const chunk = candidates.slice(i, i + Math.max(limit - out.length, 8));
    i += chunk.length;
    const summaries = await Promise.all(chunk.map((m) => summarize(bus, m, routed)));
    for (const summary of summaries) {
      if (filter.status && summary.status !== filter.status) continue;
      out.push(summary);
      if (out.length >= limit) return summary.seq;
    }
  }
  return undefined;
}

async function startBefore(bus: BusStreams & BusHistory, filter: EventFilter, headHint: number): Promise<number> {
  if (filter.until) {
    const first = await firstSeqSince(bus, 'events', filter.until);
    if (first !== undefined) return first;
  }
  return (await findHeadSeq(bus, 'events', headHint)) + 1;
}

function parseCursor(cursor: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(cursor)) throw new CursorError('cursor is not one this API returned');
  return Number(cursor);
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

export async function summarize(
  bus: BusStreams & BusHistory,
  message: StoredMessage<HubEvent>,
  routedThrough = routerProgress(bus),
): Promise<EventSummary> {
  return { ...summaryOf(message), status: await loadEventStatus(bus, message.id, { seq: message.seq, routedThrough }) };
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
