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
