import type { WebhookRequest } from '../connector.ts';
import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId, scopedEventId } from '../shared/event-id.ts';
import { getHeader } from '../shared/headers.ts';
import type { GenericConfig } from './config.ts';

type Extract = GenericConfig['typeFrom'];

/** The value at a dotted path (`event.type`, `entries.0.id`), when it is a string or a number. */
export function valueAtPath(value: unknown, path: string): string | undefined {
  let current = value;
  for (const key of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (typeof current === 'object' && current !== null && !Array.isArray(current))
      current = (current as Record<string, unknown>)[key];
    else return undefined;
  }
  if (typeof current === 'number' && Number.isFinite(current)) return String(current);
  return typeof current === 'string' && current.length > 0 ? current : undefined;
}

/** A header first, then the body path; undefined when neither is configured or found. */
function extract(from: Extract, request: WebhookRequest, payload: unknown): string | undefined {
  if (from === undefined) return undefined;
  const fromHeader = from.header ? getHeader(request.headers, from.header) : undefined;
  return fromHeader ?? (from.path ? valueAtPath(payload, from.path) : undefined);
}

/**
 * A provider's event name as type segments: lowercased, `:` `/` and spaces as `.`, anything else
 * outside `[a-z0-9_-]` as `_`. `Order Created` -> `order.created`, `invoice:paid` -> `invoice.paid`.
 */
export function eventSegments(name: string): string | undefined {
  const segments = name
    .toLowerCase()
    .replace(/[:/\s]+/g, '.')
    .replace(/[^a-z0-9_.-]/g, '_')
    .split('.')
    .filter((s) => s.length > 0);
  const joined = segments.join('.').slice(0, 120);
  return joined.length > 0 ? joined : undefined;
}

/**
 * Type `<provider>.<event from typeFrom>` (`<provider>.unknown` when it is not configured or not found);
 * id `<connector>:<id from idFrom, else the HMAC idHeader>`, else `<connector>:sha256-<hex of the raw body>`.
 * Any sender can choose these ids (a counter, a digest), so they are unique only per connector.
 */
export function normalizeGeneric(request: WebhookRequest, payload: unknown, config: GenericConfig, connector: string, now: Date): HubEvent {
  const eventName = extract(config.typeFrom, request, payload);
  const explicitId =
    extract(config.idFrom, request, payload) ??
    (config.verify.hmac?.idHeader ? getHeader(request.headers, config.verify.hmac.idHeader) : undefined);
  return createHubEvent(
    {
      id:
        explicitId !== undefined
          ? scopedEventId(connector, checkEventId(explicitId, 'event id (idFrom)'))
          : bodyDigestId(connector, request.body),
      type: `${config.provider}.${(eventName && eventSegments(eventName)) ?? 'unknown'}`,
      connector,
      data: payload,
    },
    now,
  );
}
