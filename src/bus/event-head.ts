/** The head of an event (EventHead): what both buses take from a HubEvent payload as it is published. */
import type { EventHead } from './event-bus.ts';

/** The longest subject, title, actor, url or time a head keeps: a head stays small whatever the provider sent. */
export const EVENT_HEAD_TEXT_LIMIT = 500;

/** EventHeadQuery.span when none is given. */
export const DEFAULT_HEAD_SPAN = 10_000;

/** An EventHead's fields that come from the payload. */
export type EventHeadFields = Pick<EventHead, 'connector' | 'subject' | 'title' | 'actor' | 'url' | 'time'>;

const TEXT_FIELDS = ['subject', 'title', 'actor', 'url', 'time'] as const;

/** The head fields of an event payload; only strings count, each cut at EVENT_HEAD_TEXT_LIMIT. */
export function eventHeadOf(payload: unknown): EventHeadFields {
  const event = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const head: EventHeadFields = { connector: typeof event.connector === 'string' ? cut(event.connector) : '' };
  for (const key of TEXT_FIELDS) {
    const value = event[key];
    if (typeof value === 'string' && value.length > 0) head[key] = cut(value);
  }
  return head;
}

function cut(text: string): string {
  return text.length > EVENT_HEAD_TEXT_LIMIT ? text.slice(0, EVENT_HEAD_TEXT_LIMIT) : text;
}
