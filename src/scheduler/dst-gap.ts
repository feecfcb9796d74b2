import type { ScheduledTask } from 'node-cron';
import { zoneOffsetMs } from '../shared/zone-offset.ts';

/** The instant (to the second) the zone's clocks jumped forward in (from, to], and by how much, if they did. */
export function forwardJump(from: Date, to: Date, timeZone: string): { at: Date; skippedMs: number } | undefined {
  const before = zoneOffsetMs(from, timeZone);
  const after = zoneOffsetMs(to, timeZone);
  if (after <= before) return undefined;
  let lo = Math.floor(from.getTime() / 1000) * 1000;
  let hi = Math.floor(to.getTime() / 1000) * 1000;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (zoneOffsetMs(new Date(mid), timeZone) === before) lo = mid;
    else hi = mid;
  }
  return { at: new Date(hi), skippedMs: after - before };
}

/**
 * The tick to fire for a time the clocks skipped (02:30 in Europe/Berlin on the last Sunday of March):
 * node-cron never fires it, so the run would be lost that day. Like cron, it runs when the skipped hour
 * ends, at the jump itself; every hub computes the same instant, so one run. `wallClock` is the same
 * cron read in UTC, which matches wall-clock fields directly.
 */
export function skippedTick(wallClock: Pick<ScheduledTask, 'match'>, timeZone: string, from: Date, to: Date): Date | undefined {
  const jump = forwardJump(from, to, timeZone);
  if (!jump) return undefined;
  const firstSkipped = jump.at.getTime() + zoneOffsetMs(new Date(jump.at.getTime() - 1000), timeZone);
  for (let wall = firstSkipped; wall < firstSkipped + jump.skippedMs; wall += 1000) {
    if (wallClock.match(new Date(wall))) return jump.at;
  }
  return undefined;
}
