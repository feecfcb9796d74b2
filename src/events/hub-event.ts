/**
 * A HubEvent is a CloudEvents 1.0 structured-mode event.
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 *
 * - `id`: the provider's delivery or event id (the dedup key, shared by all connectors): `<connector>:<id>`
 *   where the provider makes it unique only per sender (connectors/shared/event-id.ts, scopedEventId).
 * - `type`: `<provider>.<event>[.<action>]`, lowercase, in the provider's words.
 * - `source`: `/connectors/<name>`.
 * - extensions: `connector` (instance name), and `title`, `url`, `actor` where the
 *   provider has them, so one template can serve many providers.
 */
export interface HubEvent {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: unknown;
  connector: string;
  title?: string;
  url?: string;
  actor?: string;
}

export interface HubEventInit {
  id: string;
  type: string;
  connector: string;
  data: unknown;
  time?: Date | string;
  subject?: string | undefined;
  title?: string | undefined;
  url?: string | undefined;
  actor?: string | undefined;
}

/** Builds a HubEvent, lowercasing the type and leaving out empty optional attributes. */
export function createHubEvent(init: HubEventInit, now: Date = new Date()): HubEvent {
  const time = init.time instanceof Date ? isoOrNow(init.time, now) : (init.time ?? now.toISOString());
  const event: HubEvent = {
    specversion: '1.0',
    id: init.id,
    type: init.type.toLowerCase(),
    source: `/connectors/${init.connector}`,
    time,
    datacontenttype: 'application/json',
    data: init.data,
    connector: init.connector,
  };
  for (const key of ['subject', 'title', 'url', 'actor'] as const) {
    const value = init[key];
    if (typeof value === 'string' && value.length > 0) event[key] = value;
  }
  return event;
}

/** A signed provider timestamp can still be out of Date's range (`created: 1e308`): the receive time stands in. */
function isoOrNow(time: Date, now: Date): string {
  return Number.isNaN(time.getTime()) ? now.toISOString() : time.toISOString();
}
