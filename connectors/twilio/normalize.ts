import { createHash } from 'node:crypto';
import { checkEventId } from '../shared/event-id.ts';
import type { EventSummary } from '../shared/event-summary.ts';
import { firstLine, pickString } from '../shared/pick.ts';
import { PayloadError } from '../../src/errors.ts';

/** The CloudEvents attributes hookhub derives from one Twilio callback. */
export type TwilioSummary = EventSummary;

/**
 * Which resource a callback is about, most specific first (a recording callback also names its
 * call), with the parameter that holds its status.
 */
const RESOURCES: readonly { sid: string; resource: string; status: readonly string[] }[] = [
  { sid: 'RecordingSid', resource: 'recording', status: ['RecordingStatus'] },
  { sid: 'TranscriptionSid', resource: 'transcription', status: ['TranscriptionStatus'] },
  { sid: 'ConferenceSid', resource: 'conference', status: ['StatusCallbackEvent'] },
  { sid: 'MessageSid', resource: 'message', status: ['MessageStatus', 'SmsStatus'] },
  { sid: 'SmsSid', resource: 'message', status: ['SmsStatus'] },
  { sid: 'CallSid', resource: 'call', status: ['CallStatus'] },
];

/** Parameters that carry what a caller typed or said: two callbacks of one call differ by them. */
const INPUTS = ['Digits', 'SpeechResult'];

/**
 * A Messaging/Voice callback -> `twilio.<resource>[.<status>]`, e.g. `twilio.message.received`,
 * `twilio.message.delivered`, `twilio.call.ringing`. The id is `<Sid>:<status>[:<SequenceNumber>]`
 * so each status update of one message or call is its own event while retries of it dedup.
 * https://www.twilio.com/docs/messaging/guides/webhook-request, https://www.twilio.com/docs/voice/twiml#request-parameters
 */
export function summarizeTwilioParams(params: Readonly<Record<string, string>>): TwilioSummary {
  const match = RESOURCES.find((r) => params[r.sid]);
  const sid = match ? params[match.sid] : undefined;
  if (match === undefined || sid === undefined) {
    throw new PayloadError('no MessageSid, CallSid or other resource Sid in the Twilio request');
  }
  const rawStatus = match.status.map((name) => params[name]).find((value) => value);
  const status = rawStatus?.toLowerCase().replace(/[^a-z0-9_-]+/g, '_');
  const input = INPUTS.some((name) => params[name] !== undefined) ? inputDigest(params) : undefined;
  const id = [sid, status, params.SequenceNumber, input].filter((part) => part !== undefined && part !== '').join(':');
  const timestamp = params.Timestamp !== undefined ? new Date(params.Timestamp) : undefined;
  return {
    id: checkEventId(id, `${match.sid}`),
    type: status !== undefined ? `twilio.${match.resource}.${status}` : `twilio.${match.resource}`,
    time: timestamp !== undefined && Number.isFinite(timestamp.getTime()) ? timestamp : undefined,
    subject: sid,
    title: firstLine(params.Body) ?? (params.From && params.To ? `${params.From} → ${params.To}` : undefined),
    actor: params.From ?? params.Caller,
  };
}

/**
 * An Event Streams delivery item (a CloudEvent): `com.twilio.messaging.message.delivered` ->
 * `twilio.messaging.message.delivered`, id = the item's id.
 * https://www.twilio.com/docs/events/webhook-quickstart
 */
export function summarizeTwilioCloudEvent(item: unknown): TwilioSummary {
  const type = pickString(item, 'type');
  const id = pickString(item, 'id');
  if (type === undefined || !/^[a-z0-9_.-]{1,120}$/i.test(type)) throw new PayloadError('Event Streams item without a usable `type`');
  if (id === undefined) throw new PayloadError('Event Streams item without an `id`');
  const time = pickString(item, 'time');
  return {
    id: checkEventId(id, 'Event Streams `id`'),
    type: `twilio.${type.toLowerCase().replace(/^com\.twilio\./, '')}`,
    time: time !== undefined && Number.isFinite(Date.parse(time)) ? new Date(time) : undefined,
    subject: pickString(item, 'data', 'messageSid') ?? pickString(item, 'data', 'callSid') ?? pickString(item, 'source'),
    title: pickString(item, 'data', 'messageStatus') ?? pickString(item, 'data', 'callStatus'),
    actor: pickString(item, 'data', 'from'),
  };
}

function inputDigest(params: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}
