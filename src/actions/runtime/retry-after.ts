/**
 * The three HTTP-date forms (IMF-fixdate, RFC 850, asctime): https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7.
 * Date.parse alone takes nearly anything (`-1` and `soon 2` read as dates in 2001, so a retry at once).
 */
const HTTP_DATE = [
  /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];
const ASCTIME = 2;

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP-date.
 * https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * Returns milliseconds from `now` (0 for a date in the past), or undefined when absent/invalid, so the
 * retry schedule applies.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  // Some senders (Discord) use fractional seconds.
  if (/^\d+\.\d+$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1_000);
  const form = HTTP_DATE.findIndex((pattern) => pattern.test(trimmed));
  if (form === -1) return undefined;
  // asctime names no zone, and Date.parse would read it in the hub's own; HTTP dates are all GMT.
  const date = Date.parse(form === ASCTIME ? `${trimmed} GMT` : trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
