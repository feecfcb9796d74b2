import { PayloadError } from '../../src/errors.ts';

// Ids become dedup keys and part of job ids (`<id>:<rule>:<n>`): keep them short and printable.
const EVENT_ID = /^[A-Za-z0-9_.:~+=@{}-]{1,200}$/;

/** `value` when it is usable as an event id, else PayloadError naming `where` it came from. */
export function checkEventId(value: string, where: string): string {
  if (!EVENT_ID.test(value)) throw new PayloadError(`malformed ${where} (not usable as an event id)`);
  return value;
}
