import { isValidTimeZone } from '../rules/template-format-helpers.ts';

/** When a reminder posts, as typed (`weekdays 09:00,14:00 Europe/Berlin`) and as a cron. */
export interface ReminderSchedule {
  days: string;
  times: string[];
  timezone: string;
  cron: string;
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_SETS: Readonly<Record<string, string>> = { weekdays: '1-5', daily: '*', everyday: '*', weekends: '0,6' };
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/**
 * Parses `<days> <HH:MM[,HH:MM…]> [Time/Zone]`. Days: `weekdays`, `daily`, `weekends`, or day names
 * (`mon,wed,fri`, `mon-fri`). Times sharing a minute become one cron; others must share it too.
 */
export function parseReminderSchedule(
  words: readonly string[],
  defaultZone: string,
): { schedule: ReminderSchedule; rest: string[] } | { error: string } {
  const [daysWord, timesWord, maybeZone, ...others] = words;
  if (daysWord === undefined || timesWord === undefined) return { error: 'remind needs days and a time, e.g. weekdays 09:00' };
  const days = cronDays(daysWord.toLowerCase());
  if (days === undefined)
    return { error: `"${daysWord}" is not a set of days; use weekdays, daily, weekends or day names like mon,wed,fri or mon-fri` };
  const times = timesWord.split(',').map((t) => TIME.exec(t));
  if (times.some((t) => t === null)) return { error: `"${timesWord}" is not a time; use 24-hour HH:MM, e.g. 09:00 or 09:00,14:00` };
  const minutes = new Set(times.map((t) => Number(t?.[2])));
  if (minutes.size > 1) return { error: 'several times must share their minutes (09:30,14:30); add a second reminder otherwise' };
  const zoneWord = maybeZone !== undefined && isZoneWord(maybeZone) ? maybeZone : undefined;
  if (zoneWord !== undefined && !isValidTimeZone(zoneWord))
    return { error: `"${zoneWord}" is not a time zone; use an IANA name such as Europe/Berlin` };
  const zone = zoneWord === undefined ? undefined : canonicalZone(zoneWord);
  const hours = times.map((t) => Number(t?.[1])).join(',');
  const rest = zone === undefined ? words.slice(2) : others;
  const schedule = {
    days: daysWord.toLowerCase(),
    times: times.map((t) => t?.[0] ?? ''),
    timezone: zone ?? defaultZone,
    cron: `${[...minutes][0] ?? 0} ${hours} * * ${days}`,
  };
  return { schedule, rest };
}

/** `Europe/Berlin`, and zone names without a slash (`UTC`, `GMT`); filters start with + or -, older-than: is no zone. */
function isZoneWord(word: string): boolean {
  return !/^[+-]/.test(word) && (word.includes('/') || isValidTimeZone(word));
}

/** `utc` → `UTC`, `europe/berlin` → `Europe/Berlin`: the spelling the scheduler and the replies use. */
function canonicalZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}

function cronDays(word: string): string | undefined {
  if (DAY_SETS[word]) return DAY_SETS[word];
  const parts = word.split(',').map((part) => {
    const [from, to] = part.split('-');
    const a = DAY_NAMES.indexOf((from ?? '').slice(0, 3) as (typeof DAY_NAMES)[number]);
    if (to === undefined) return a >= 0 ? String(a) : undefined;
    const b = DAY_NAMES.indexOf(to.slice(0, 3) as (typeof DAY_NAMES)[number]);
    return a >= 0 && b >= 0 && a <= b ? `${a}-${b}` : undefined;
  });
  return parts.every((p) => p !== undefined) ? parts.join(',') : undefined;
}
