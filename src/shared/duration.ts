import ms from 'ms';

/**
 * The one duration parser: `500ms`, `15s`, `10m`, `1h`, `7d`, `2 weeks`, `90min` (the `ms` package), or
 * a number of milliseconds; undefined when invalid. Config, rules and chat commands all read durations here.
 */
export function parseDuration(value: string | number): number | undefined {
  // ms throws on an empty string ("val is not a non-empty string…") where it returns undefined for other bad text.
  if (typeof value === 'string' && value.trim() === '') return undefined;
  const parsed = typeof value === 'number' ? value : ms(value.trim() as ms.StringValue);
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

/**
 * Why an operator's time (`--since`, `--before`, `?since=`, a purge's `before`) that is a bare number is
 * refused, or undefined when it is not one. parseDuration reads `30` as 30 ms, so `purge --before 30`
 * meant for 30 days would drop every dead letter; `2026` as a date is a year, as a duration 2 seconds.
 */
export function bareNumberRefusal(value: string): string | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) return undefined;
  const n = value.trim();
  return `"${n.slice(0, 40)}" has no unit: write a duration such as ${n}d, ${n}h or ${n}m, or a date such as 2026-01-31T00:00:00Z`;
}
