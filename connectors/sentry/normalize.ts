import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { firstLine, pick, pickString } from '../shared/pick.ts';

export interface SentryDelivery {
  connector: string;
  /** `Request-ID`, or a body digest. */
  id: string;
  /** `Sentry-Hook-Resource`: installation, event_alert, issue, metric_alert, error, comment, … */
  resource: string;
  now: Date;
}

const NAME = /^[a-z][a-z0-9_]*$/;

interface Fields {
  subject?: string | undefined;
  title?: string | undefined;
  url?: string | undefined;
}

/**
 * Maps a verified Sentry integration-platform webhook to a HubEvent:
 * `sentry.<Sentry-Hook-Resource>.<action>` (`sentry.issue.created`, `sentry.event_alert.triggered`).
 */
export function normalizeSentry(payload: Record<string, unknown>, delivery: SentryDelivery): HubEvent {
  const action = pickString(payload, 'action');
  if (action === undefined) throw new PayloadError('body has no action (is this a Sentry webhook?)');
  if (!NAME.test(delivery.resource)) throw new PayloadError('Sentry-Hook-Resource is not a Sentry resource name');
  if (!NAME.test(action)) throw new PayloadError('body action is not a Sentry action name');
  return createHubEvent(
    {
      id: delivery.id,
      type: `sentry.${delivery.resource}.${action}`,
      connector: delivery.connector,
      data: payload,
      ...resourceFields(delivery.resource, pick(payload, 'data')),
      actor: pickString(payload, 'actor', 'name'),
    },
    delivery.now,
  );
}

function resourceFields(resource: string, data: unknown): Fields {
  switch (resource) {
    case 'issue':
      return errorLike(pick(data, 'issue'), pickString(data, 'issue', 'shortId'));
    case 'event_alert':
      return errorLike(pick(data, 'event'), pickString(data, 'event', 'issue_id'));
    case 'error':
      return errorLike(pick(data, 'error'), pickString(data, 'error', 'issue_id'));
    case 'metric_alert':
      return {
        subject: pickString(data, 'metric_alert', 'alert_rule', 'name'),
        title: pickString(data, 'description_title'),
        url: pickString(data, 'web_url'),
      };
    case 'comment':
      return { subject: pickString(data, 'issue_id'), title: firstLine(pickString(data, 'comment')) };
    case 'installation':
      return {
        subject: pickString(data, 'installation', 'organization', 'slug'),
        title: pickString(data, 'installation', 'app', 'slug'),
      };
    default:
      return {};
  }
}

function errorLike(entity: unknown, subject: string | undefined): Fields {
  return {
    subject,
    title: pickString(entity, 'title'),
    url: pickString(entity, 'web_url') ?? pickString(entity, 'permalink'),
  };
}
