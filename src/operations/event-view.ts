import type { HubEvent } from '../events/hub-event.ts';
import type { RuleSet } from '../rules/rule.ts';
import { maskValue, redactParams } from './redact.ts';

/** Values shorter than this are left alone: they would mask common text (`eng`, `true`, `3`). */
export const MIN_MASKED = 8;

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

/** The event's chat credentials (see CREDENTIAL_FIELDS); short values are left out, they would mask common text. */
function credentialsIn(value: unknown, found: Set<string>, depth: number): Set<string> {
  if (depth > 32 || value === null || typeof value !== 'object') return found;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (CREDENTIAL_FIELDS.has(key) && typeof item === 'string' && item.length >= MIN_MASKED) found.add(item);
    else credentialsIn(item, found, depth + 1);
  }
  return found;
}

/** The values the rules took from the environment (`${VAR}`), as paramsView's `hidden`. */
export function environmentValuesOf(ruleSet: Pick<RuleSet, 'rules'>): ReadonlySet<string> {
  return hiddenValues(ruleSet.rules.flatMap((rule) => rule.envValues ?? []));
}

/** Values as paramsView's `hidden`: those of MIN_MASKED characters or more. */
export function hiddenValues(values: Iterable<string>): ReadonlySet<string> {
  return new Set([...values].filter((value) => value.length >= MIN_MASKED));
}

function maskText(value: unknown, credentials: readonly string[], depth: number): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const credential of credentials) if (text.includes(credential)) text = text.replaceAll(credential, maskValue(credential));
    return text;
  }
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskText(item, credentials, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, maskText(item, credentials, depth + 1)]),
  );
}

/**
 * A function that masks each of `hidden` wherever it appears in the strings of a value (a deep copy):
 * `[redacted, N chars]`, the value's length only. Longest first: a value that holds another is masked whole.
 * What paramsView masks params with, and the workers the text of attempt records (a destination's answer).
 */
export function createMasker(hidden: Iterable<string>): <T>(value: T) => T {
  const ordered = [...new Set(hidden)].sort((a, b) => b.length - a.length);
  return <T>(value: T): T => (ordered.length > 0 ? (maskText(value, ordered, 0) as T) : value);
}

/**
 * Rendered action params as viewers see them: secret-named fields and `action`'s destination URLs masked
 * (redactParams; without `action`, those of the jobs inside, as in a replay result), and the event's chat
 * credentials masked wherever a template copied them (`{{json data}}` in a webhook body), as are the
 * `hidden` values (environmentValuesOf: a `${PD_ROUTING_KEY}` in a webhook body, whatever its name).
 */
export function paramsView<T>(params: T, event: HubEvent | undefined, action?: string, hidden: ReadonlySet<string> = new Set()): T {
  const redacted = redactParams(action, params) as T;
  const credentials = event ? credentialsIn(event.data, new Set(hidden), 0) : hidden;
  return createMasker(credentials)(redacted);
}
