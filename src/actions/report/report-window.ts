import type { Job } from '../action.ts';
import { parseDuration } from '../../shared/duration.ts';
import { tickOf } from '../../scheduler/schedule-event.ts';
import { processTimeZone } from '../../shared/zone-offset.ts';
import { calendarDaysBefore } from './calendar-days.ts';
import { previousTick, type HistoryReader } from './collect-history.ts';

export interface ReportWindow {
  since: Date;
  until: Date;
  /** For the template: `7d`, `24h`, `since the last run`, or `custom`. */
  label: string;
  /** The schedule's time zone, when a schedule tick triggered the report. */
  timezone?: string;
}

/** Used when `window: last-run` finds no earlier run. */
export const FIRST_RUN_WINDOW_MS = 7 * 86_400_000;

/**
 * The window ends at the schedule tick that triggered the job (stable across retries and
 * redeliveries, so a retried report has the same numbers), or at the job's creation time.
 */
export async function resolveWindow(window: string, job: Job, history: HistoryReader): Promise<ReportWindow> {
  const trigger = await history.get<{ type?: string; data?: unknown }>('events', job.eventId);
  const tick = tickOf(trigger?.payload);
  const until = new Date(tick?.tick ?? job.createdAt);
  const zone = tick?.timezone ? { timezone: tick.timezone } : {};
  if (window === 'last-run') {
    const previous = await previousTick(history, job.rule, until);
    return {
      since: previous ?? new Date(until.getTime() - FIRST_RUN_WINDOW_MS),
      until,
      label: previous ? 'since the last run' : '7d (first run)',
      ...zone,
    };
  }
  const ms = parseDuration(window) ?? 86_400_000;
  const days = tick ? wholeDays(window, ms) : undefined;
  // node-cron reads a schedule without a timezone in the process's own zone.
  const since =
    days === undefined || !tick ? new Date(until.getTime() - ms) : calendarDaysBefore(until, days, tick.timezone ?? processTimeZone());
  return { since, until, label: window, ...zone };
}

/** A window written in days or weeks (`7d`, `1 week`), as a number of days; hours and minutes are exact. */
function wholeDays(window: string, ms: number): number | undefined {
  return /^\s*\d+\s*(d|days?|w|weeks?)\s*$/i.test(window) && ms % 86_400_000 === 0 ? ms / 86_400_000 : undefined;
}
