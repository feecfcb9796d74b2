import type { EventHead, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import type { EventStatus } from './event-status.ts';

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
