import type { EventHead, EventHeadQuery, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { matchTypeGlob } from '../events/type-glob.ts';
import type { EventStatus } from './event-status.ts';

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

/** What the bus filters by: time, type and connector. */
export function headQuery(filter: EventFilter): EventHeadQuery {
  return {
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.connector ? { connector: filter.connector } : {}),
    ...(filter.since ? { since: filter.since } : {}),
    ...(filter.until ? { until: filter.until } : {}),
  };
}

/** Case-insensitive text in the subject, title, actor or id. */
export function matchesText(head: EventHead, q: string): boolean {
  const needle = q.toLowerCase();
  return [head.subject, head.title, head.actor, head.id].some((v) => v !== undefined && v.toLowerCase().includes(needle));
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
