/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP-date.
 * https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * Returns milliseconds from `now` (0 for a date in the past), or undefined when absent/invalid.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  // Some senders (Discord) use fractional seconds.
  if (/^\d+\.\d+$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1_000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}
