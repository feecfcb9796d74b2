import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { pick, pickNumber, pickString } from '../shared/pick.ts';

export interface JiraDelivery {
  connector: string;
  /** `X-Atlassian-Webhook-Identifier`, or a body digest. */
  id: string;
  now: Date;
}

const WEBHOOK_EVENT = /^[a-z_]+(:[a-z_]+)*$/i;

/**
 * `jira:issue_created` -> `jira.issue_created`, `comment_created` -> `jira.comment_created`.
 * Jira prefixes only some event names with `jira:` (issue and worklog events); dropping that prefix
 * keeps one `jira.` namespace for all of them. Any other `:` becomes `.`.
 */
export function jiraEventType(webhookEvent: string): string {
  if (!WEBHOOK_EVENT.test(webhookEvent)) {
    throw new PayloadError(`webhookEvent "${webhookEvent.slice(0, 64)}" is not a Jira event name`);
  }
  return `jira.${webhookEvent.replace(/^jira:/i, '').replaceAll(':', '.')}`;
}

/** Maps a verified Jira webhook body to a HubEvent. */
export function normalizeJira(payload: Record<string, unknown>, delivery: JiraDelivery): HubEvent {
  const webhookEvent = pickString(payload, 'webhookEvent');
  if (webhookEvent === undefined) throw new PayloadError('body has no webhookEvent (is this a Jira webhook?)');
  const issue = pick(payload, 'issue');
  const key = pickString(issue, 'key');
  const timestamp = pickNumber(payload, 'timestamp');
  return createHubEvent(
    {
      id: delivery.id,
      type: jiraEventType(webhookEvent),
      connector: delivery.connector,
      data: payload,
      time: timestamp !== undefined ? new Date(timestamp) : undefined,
      subject: key ?? pickString(payload, 'project', 'key'),
      title:
        pickString(issue, 'fields', 'summary') ??
        pickString(payload, 'sprint', 'name') ??
        pickString(payload, 'project', 'name') ??
        pickString(payload, 'version', 'name'),
      url: key ? browseUrl(pickString(issue, 'self'), key) : undefined,
      actor:
        pickString(payload, 'user', 'displayName') ??
        pickString(payload, 'comment', 'author', 'displayName') ??
        pickString(payload, 'worklog', 'author', 'displayName'),
    },
    delivery.now,
  );
}

/** The issue's page: the site of its REST `self` link plus `/browse/<KEY>`. */
function browseUrl(self: string | undefined, key: string): string | undefined {
  if (self === undefined || !URL.canParse(self)) return undefined;
  return `${new URL(self).origin}/browse/${encodeURIComponent(key)}`;
}
