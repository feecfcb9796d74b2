import type { ScheduledTask } from 'node-cron';
import { processTimeZone, zoneOffsetMs } from '../shared/zone-offset.ts';

/**
 * The latest whole second in (now - windowMs, now] that the cron matches and its timer would have
 * fired, if any. The timer's first tick comes strictly after the current second, so a tick at this
 * very second is catch-up's.
 */
export function lastTickBefore(
  task: Pick<ScheduledTask, 'match'>,
  timezone: string | undefined,
  now: Date,
  windowMs: number,
): Date | undefined {
  const zone = timezone ?? processTimeZone();
  for (let t = Math.floor(now.getTime() / 1000) * 1000; t > now.getTime() - windowMs; t -= 1000) {
    const tick = new Date(t);
    if (task.match(tick) && !recursLater(tick, zone)) return tick;
  }
  return undefined;
}

/**
 * Whether the wall-clock time of `at` comes again when the clocks go back (02:30 in Europe/Berlin on
 * the last Sunday of October). node-cron's timer fires only the second of the two, so catch-up must
 * not fire the first: they have different ids and the run would happen twice.
 */
function recursLater(at: Date, timeZone: string): boolean {
  const offset = zoneOffsetMs(at, timeZone);
  // Clocks go back by at most a few hours; the offset a little later says by how much.
  const later = zoneOffsetMs(new Date(at.getTime() + 3 * 3_600_000), timeZone);
  const shift = offset - later;
  return shift > 0 && zoneOffsetMs(new Date(at.getTime() + shift), timeZone) === later;
}
