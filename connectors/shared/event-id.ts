import { PayloadError } from '../../src/errors.ts';

// Ids become dedup keys and part of job ids (`<id>:<rule>:<n>`): keep them short and printable.
const EVENT_ID = /^[A-Za-z0-9_.:~+=@{}-]{1,200}$/;

/** `value` when it is usable as an event id, else PayloadError naming `where` it came from. */
export function checkEventId(value: string, where: string): string {
  if (!EVENT_ID.test(value)) throw new PayloadError(`malformed ${where} (not usable as an event id)`);
  return value;
}

/**
 * `<connector>:<id>`, for an id that is unique only per sender (a counter, a site-local number, a body
 * digest): the bus dedups on event ids across all connectors, so two senders' `42` must not meet.
 * Provider-wide ids (GitHub delivery GUIDs, Stripe `evt_…`) are used as they are.
 */
export function scopedEventId(connector: string, id: string): string {
  return `${connector}:${id}`;
}
