import { checkEventId } from '../shared/event-id.ts';
import { pick, pickString } from '../shared/pick.ts';
import { PayloadError } from '../../src/errors.ts';

/** The CloudEvents attributes hookhub derives from a Standard Webhooks payload. */
export interface StandardWebhookSummary {
  id: string;
  type: string;
  time: Date | string;
  subject: string | undefined;
  title: string | undefined;
}

/**
 * Maps a verified payload `{ type, timestamp, data }` (the spec's recommended shape) to HubEvent
 * attributes. id = `webhook-id` (kept across the sender's retries), type = `<provider>.<payload.type>`.
 * subject = `data.id`, or else the first `*_id` field of `data` (Resend's `email_id`);
 * title = `data.title`, `data.subject` or `data.name`.
 */
export function normalizeStandardWebhook(
  provider: string,
  meta: { id: string; timestamp: number },
  payload: Record<string, unknown>,
): StandardWebhookSummary {
  const type = pickString(payload, 'type');
  if (type === undefined) throw new PayloadError('payload has no `type` (Standard Webhooks payloads are { type, timestamp, data })');
  if (!/^[A-Za-z0-9_.-]+$/.test(type)) throw new PayloadError(`malformed payload type "${type.slice(0, 60)}"`);
  const data = pick(payload, 'data');
  return {
    id: checkEventId(meta.id, 'webhook-id header'),
    type: `${provider}.${type}`,
    time: validTime(pickString(payload, 'timestamp')) ?? validTime(pickString(payload, 'created_at')) ?? new Date(meta.timestamp * 1000),
    subject: pickString(data, 'id') ?? firstIdField(data),
    title: pickString(data, 'title') ?? pickString(data, 'subject') ?? pickString(data, 'name'),
  };
}

function firstIdField(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const entry = Object.entries(data).find(([key, value]) => key.endsWith('_id') && typeof value === 'string' && value);
  return entry?.[1] as string | undefined;
}

function validTime(value: string | undefined): string | undefined {
  return value !== undefined && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
}
