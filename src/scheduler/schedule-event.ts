import { createHubEvent, type HubEvent } from '../events/hub-event.ts';
import { scheduleEventType } from '../rules/rule.ts';

/** What a `hookhub.schedule.<rule>` event carries in `data`. */
export interface ScheduleTick {
  rule: string;
  cron: string;
  timezone?: string;
  /** The scheduled time of this tick (ISO 8601, UTC, whole seconds), not when a process noticed it. */
  tick: string;
}

/**
 * The event id for one tick of one rule. Every hub process computes the same id for the same
 * tick, so the bus's dedup stores the first publish and reports the others as duplicates.
 */
export function scheduleEventId(rule: string, tick: Date): string {
  return `schedule:${rule}:${wholeSeconds(tick).toISOString()}`;
}

/** node-cron ticks carry the slot time; trimming milliseconds keeps the id identical across processes. */
function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** The connector name schedule events carry: the hub's scheduler, not a configured connector. */
export const SCHEDULER_CONNECTOR = 'scheduler';

/** Builds the schedule event for a tick. */
export function createScheduleEvent(input: { rule: string; cron: string; timezone?: string | undefined; tick: Date }): HubEvent {
  const tick = wholeSeconds(input.tick).toISOString();
  const data: ScheduleTick = { rule: input.rule, cron: input.cron, ...(input.timezone ? { timezone: input.timezone } : {}), tick };
  const event = createHubEvent({
    id: scheduleEventId(input.rule, input.tick),
    type: scheduleEventType(input.rule),
    connector: SCHEDULER_CONNECTOR,
    time: tick,
    subject: input.rule,
    title: `Scheduled run of ${input.rule}`,
    data,
  });
  // Not a connector: the hub itself is the source.
  return { ...event, source: '/hookhub/scheduler' };
}

/** Reads the tick back from a schedule event's data, if it is one. */
export function tickOf(event: { type?: string; data?: unknown } | undefined): ScheduleTick | undefined {
  const data = event?.data as Partial<ScheduleTick> | undefined;
  if (!event?.type?.startsWith('hookhub.schedule.') || typeof data?.tick !== 'string' || typeof data.rule !== 'string') return undefined;
  return data as ScheduleTick;
}
