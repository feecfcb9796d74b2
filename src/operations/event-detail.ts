import type { BusHistory, BusStreams } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { loadEventHistory, type EventHistory } from './event-status.ts';
import { summaryOf, type EventSummary } from './event-summary.ts';
import { eventView, paramsView } from './event-view.ts';

export interface EventDetail {
  summary: EventSummary;
  /** The stored CloudEvent, payload included (chat credentials masked: see eventView). */
  event: HubEvent;
  rules: EventHistory['rules'];
  /** Jobs with every attempt; secret-named params and the event's chat credentials are masked. */
  jobs: EventHistory['jobs'];
}

/**
 * One event with its payload, rule outcomes, jobs and attempts; undefined when not retained. `hidden`:
 * values masked wherever they appear in params (environmentValuesOf the rules in force).
 */
export async function loadEventDetail(
  bus: BusStreams & BusHistory,
  id: string,
  hidden?: ReadonlySet<string>,
): Promise<EventDetail | undefined> {
  const message = await bus.get<HubEvent>('events', id);
  if (message === undefined) return undefined;
  const history = await loadEventHistory(bus, id, { withParams: true, seq: message.seq });
  const jobs = history.jobs.map((job) =>
    job.params ? { ...job, params: paramsView(job.params, message.payload, job.action, hidden) } : job,
  );
  return { summary: { ...summaryOf(message), status: history.status }, event: eventView(message.payload), rules: history.rules, jobs };
}
