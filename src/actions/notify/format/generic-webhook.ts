import type { Job } from '../../action.ts';
import type { NotifyParams } from '../notify-params.ts';

/** The JSON a `webhook` channel receives: the notification plus where it came from. */
export function formatGenericWebhook(params: NotifyParams, job: Job): Record<string, unknown> {
  return {
    type: 'hookhub.notification',
    id: job.id,
    channel: params.channel,
    title: params.title ?? null,
    text: params.text,
    url: params.url ?? null,
    color: params.color ?? null,
    fields: params.fields ?? [],
    source: { eventId: job.eventId, eventType: job.eventType, rule: job.rule },
  };
}
