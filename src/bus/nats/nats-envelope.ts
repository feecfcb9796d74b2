import type { BusMessage, StoredMessage } from '../event-bus.ts';
import { eventHeadOf, type EventHeadFields } from '../event-head.ts';
import { withJsonField } from '../../shared/json-field.ts';

/**
 * The JSON body of a message in the events/jobs streams. The id and the original subject travel
 * in the body rather than in headers, so any characters survive and the NATS subject can be sanitized.
 */
interface Envelope {
  id: string;
  subject: string;
  payload: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeEnvelope(message: BusMessage): Uint8Array {
  // The payload's JSON as the publisher has it, if it does: the same envelope, not serialized again.
  if (message.json !== undefined)
    return encoder.encode(withJsonField({ id: message.id, subject: message.subject }, 'payload', message.json));
  const envelope: Envelope = { id: message.id, subject: message.subject, payload: message.payload };
  return encoder.encode(JSON.stringify(envelope));
}

/** Rebuilds a StoredMessage from a stored body, its stream sequence and its server timestamp. */
export function decodeEnvelope<T>(data: Uint8Array, seq: number, time: Date): StoredMessage<T> {
  const envelope = JSON.parse(decoder.decode(data)) as Envelope;
  return {
    id: envelope.id,
    subject: envelope.subject,
    payload: envelope.payload as T,
    seq,
    time: time.toISOString(),
  };
}

const PAYLOAD_FIELD = Buffer.from(',"payload":');

/**
 * The subject of a stored body without parsing its payload, so a consumer can turn down what it does
 * not want for the cost of a short prefix (a 21 KB GitHub payload takes ~40 µs to parse). Both encoders
 * write `id` and `subject` before `payload`, and `,"payload":` cannot occur inside a JSON string (its
 * quote would be escaped), so the first one ends the head. Undefined for a body shaped otherwise.
 */
export function peekSubject(data: Uint8Array): string | undefined {
  const end = Buffer.from(data.buffer, data.byteOffset, data.byteLength).indexOf(PAYLOAD_FIELD);
  if (end === -1) return undefined;
  try {
    const head = JSON.parse(`${decoder.decode(data.subarray(0, end))}}`) as Partial<Envelope>;
    return typeof head.subject === 'string' ? head.subject : undefined;
  } catch {
    return undefined;
  }
}

/** JetStream timestamps are nanoseconds since the epoch; hookhub exposes millisecond ISO times. */
export function timeFromNanos(nanos: number): Date {
  return new Date(Math.floor(nanos / 1e6));
}

/**
 * The header an event carries its head in, so that heads and counts read headers only (a `headers_only`
 * consumer): no payload crosses the network or is parsed. Events of an older release have none.
 */
export const HEAD_HEADER = 'Hookhub-Head';

export interface HeaderHead extends EventHeadFields {
  id: string;
  type: string;
}

/** The head header's value for an event: JSON, with non-ASCII escaped so the header is plain text. */
export function headHeaderValue(message: BusMessage): string {
  const head: HeaderHead = { id: message.id, type: message.subject, ...eventHeadOf(message.payload) };
  return JSON.stringify(head).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The head a header value holds; undefined when there is none or it is not one. */
export function readHeadHeader(value: string | undefined): HeaderHead | undefined {
  if (!value) return undefined;
  try {
    const head = JSON.parse(value) as Partial<HeaderHead>;
    if (typeof head.id !== 'string' || typeof head.type !== 'string' || typeof head.connector !== 'string') return undefined;
    return head as HeaderHead;
  } catch {
    return undefined;
  }
}
