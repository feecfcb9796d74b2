import type { BusMessage, StoredMessage } from '../event-bus.ts';
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
