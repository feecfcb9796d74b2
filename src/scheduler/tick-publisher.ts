import type { Rule } from '../rules/rule.ts';
import type { FireResult, SchedulerOptions } from './create-scheduler.ts';
import { createScheduleEvent } from './schedule-event.ts';

/** Publishes the event for one tick, logs it and reports it to onFire. */
export function tickPublisher(options: SchedulerOptions, stopped: () => boolean) {
  const { bus, logger } = options;
  return async (rule: Pick<Rule, 'name' | 'schedule'>, tick: Date): Promise<FireResult> => {
    const event = createScheduleEvent({ rule: rule.name, cron: rule.schedule?.cron ?? '', timezone: rule.schedule?.timezone, tick });
    const { duplicate } = await publishWithRetry(bus, event, options.publishAttempts ?? 5, stopped);
    const result: FireResult = { rule: rule.name, tick: (event.data as { tick: string }).tick, eventId: event.id, duplicate };
    logger[duplicate ? 'debug' : 'info'](result, duplicate ? 'schedule tick already fired by another hub' : 'schedule fired');
    options.onFire?.(result);
    return result;
  };
}

async function publishWithRetry(
  bus: SchedulerOptions['bus'],
  event: ReturnType<typeof createScheduleEvent>,
  attempts: number,
  stopped: () => boolean,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bus.publish('events', { id: event.id, subject: event.type, payload: event });
    } catch (error) {
      if (attempt >= attempts || stopped()) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}
