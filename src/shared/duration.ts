import ms from 'ms';

/**
 * The one duration parser: `500ms`, `15s`, `10m`, `1h`, `7d`, `2 weeks`, `90min` (the `ms` package), or
 * a number of milliseconds; undefined when invalid. Config, rules and chat commands all read durations here.
 */
export function parseDuration(value: string | number): number | undefined {
  const parsed = typeof value === 'number' ? value : ms(value.trim() as ms.StringValue);
  return typeof parsed === 'number' && Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}
