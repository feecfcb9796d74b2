import type { HubEvent } from '../events/hub-event.ts';
import { maskValue } from './redact.ts';

/**
 * Payload fields that are credentials in chat payloads: Slack's and Mattermost's `response_url`
 * (anyone holding it can post to the channel for 30 minutes) and Discord's interaction `token`
 * (the hub needs it to answer, so it is stored, but never shown). Slack's legacy `token` is dropped
 * by the connector; any other `token` field is masked too.
 */
const CREDENTIAL_FIELDS = new Set(['token', 'response_url']);

function maskCredentials(value: unknown, depth: number): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskCredentials(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = CREDENTIAL_FIELDS.has(key) && item !== null && typeof item !== 'object' ? maskValue(item) : maskCredentials(item, depth + 1);
  }
  return out;
}

/** The event as viewers see it (API, live stream, `events show`): credential fields in the payload masked. */
export function eventView(event: HubEvent): HubEvent {
  return { ...event, data: maskCredentials(event.data, 0) };
}
