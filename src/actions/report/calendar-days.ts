import { zoneOffsetMs } from '../../shared/zone-offset.ts';

/** `YYYY-MM-DD` of an instant in a time zone. */
export function dayKey(date: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Every calendar day (in the zone) touched by [since, until), oldest first. */
export function daysBetween(since: Date, until: Date, timeZone: string): string[] {
  const last = dayKey(new Date(Math.max(since.getTime(), until.getTime() - 1)), timeZone);
  const days: string[] = [];
  // Step in UTC noon-to-noon days: each step lands on the next calendar day in any zone.
  let cursor = Date.parse(`${dayKey(since, timeZone)}T12:00:00Z`);
  for (let guard = 0; guard < 1_000; guard++) {
    const day = new Date(cursor).toISOString().slice(0, 10);
    days.push(day);
    if (day >= last) break;
    cursor += 86_400_000;
  }
  return days;
}

const DAY_MS = 86_400_000;

/**
 * The instant `days` calendar days before `until` at the same wall-clock time in the zone. Across a
 * daylight-saving change that is 23 or 25 hours a day, so windows that end at a daily or weekly
 * local tick meet exactly instead of overlapping or leaving an hour out.
 */
export function calendarDaysBefore(until: Date, days: number, timeZone: string): Date {
  const naive = until.getTime() - days * DAY_MS;
  let since = naive;
  // The second pass settles an instant that lands on the far side of the change itself.
  for (let pass = 0; pass < 2; pass++) since = naive + zoneOffsetMs(until, timeZone) - zoneOffsetMs(new Date(since), timeZone);
  return new Date(since);
}
