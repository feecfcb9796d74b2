import type { Job } from '../../src/actions/action.ts';
import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';

/** A `github.push` event and the notify job rule `r` makes of it, as the noise gate and flusher see them. */
export function notifyPush(
  n: number,
  at: Date,
  fields: { id?: string; title?: string; actor?: string; data?: Record<string, unknown>; text?: string } = {},
): { event: HubEvent; job: Job } {
  const event = createHubEvent(
    {
      id: fields.id ?? `push-${n}`,
      type: 'github.push',
      connector: 'github',
      subject: 'acme/api@main',
      title: fields.title ?? `push ${n}`,
      ...(fields.actor ? { actor: fields.actor } : {}),
      data: fields.data ?? {},
    },
    at,
  );
  const job: Job = {
    id: `${event.id}:r:0`,
    eventId: event.id,
    eventType: event.type,
    rule: 'r',
    index: 0,
    action: 'notify',
    params: { channel: 'eng', text: fields.text ?? `push ${n}` },
    createdAt: at.toISOString(),
  };
  return { event, job };
}
