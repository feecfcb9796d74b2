import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId } from '../shared/event-id.ts';
import { pick, pickString } from '../shared/pick.ts';

const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+)*$/i;

/**
 * Maps a verified v3 webhook body (`{ "event": { … } }`) to a HubEvent:
 * type `pagerduty.<event.event_type>` (`pagerduty.incident.triggered`), id `event.id`.
 * https://developer.pagerduty.com/docs/webhooks/v3-overview/
 */
export function normalizePagerduty(payload: Record<string, unknown>, body: Buffer, connector: string, now: Date): HubEvent {
  const event = pick(payload, 'event');
  const eventType = pickString(event, 'event_type');
  if (eventType === undefined) throw new PayloadError('body has no event.event_type (is this a v3 webhook?)');
  if (!EVENT_TYPE.test(eventType)) throw new PayloadError(`event.event_type "${eventType.slice(0, 64)}" is not a PagerDuty event type`);
  const id = pickString(event, 'id');
  const data = pick(event, 'data');
  const occurredAt = pickString(event, 'occurred_at');
  return createHubEvent(
    {
      id: id !== undefined ? checkEventId(id, 'event.id') : bodyDigestId(connector, body),
      type: `pagerduty.${eventType}`,
      connector,
      data: payload,
      time: occurredAt !== undefined && !Number.isNaN(Date.parse(occurredAt)) ? new Date(occurredAt) : undefined,
      // Incident sub-resources (notes, responders, status updates) point at their incident.
      subject: pickString(data, 'incident', 'id') ?? pickString(data, 'id'),
      title:
        pickString(data, 'title') ?? pickString(data, 'incident', 'summary') ?? pickString(data, 'summary') ?? pickString(data, 'message'),
      url: pickString(data, 'html_url') ?? pickString(data, 'incident', 'html_url'),
      actor: pickString(event, 'agent', 'summary'),
    },
    now,
  );
}
