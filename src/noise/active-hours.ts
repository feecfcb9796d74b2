import { WEEKDAYS, type ActiveHours, type Weekday } from './noise-spec.ts';

const STEP_MS = 5 * 60_000;
const HORIZON_MS = 8 * 24 * 3_600_000;

/** Weekday and minute of the day of `at` in `timezone`. */
export function localClock(at: Date, timezone: string): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/**
 * Whether `at` is inside the active hours. A span that ends before it starts (22:00–06:00) runs
 * past midnight, and then `days` names the day it started on.
 */
export function isActive(hours: ActiveHours, at: Date): boolean {
  const { day, minute } = localClock(at, hours.timezone);
  const from = toMinute(hours.from);
  const to = toMinute(hours.to);
  const days = hours.days ?? WEEKDAYS;
  if (from === to) return days.includes(day);
  if (from < to) return days.includes(day) && minute >= from && minute < to;
  if (minute >= from) return days.includes(day);
  return minute < to && days.includes(previousDay(day));
}

/** The next moment (to the minute) the active hours start, or undefined if never within 8 days. */
export function nextActiveStart(hours: ActiveHours, after: Date): Date | undefined {
  const start = Math.floor(after.getTime() / 60_000) * 60_000;
  if (isActive(hours, new Date(start))) return new Date(start);
  for (let t = start + STEP_MS; t <= start + HORIZON_MS; t += STEP_MS) {
    if (!isActive(hours, new Date(t))) continue;
    // Refine to the first active minute in the last step (zones with odd offsets, HH:MM not on 5s).
    let first = t;
    for (let m = t - 60_000; m > t - STEP_MS && isActive(hours, new Date(m)); m -= 60_000) first = m;
    return new Date(first);
  }
  return undefined;
}

function toMinute(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function previousDay(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] ?? day;
}
