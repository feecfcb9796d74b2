import { createHubEvent, type HubEvent } from '../../src/events/hub-event.ts';
import { PayloadError } from '../../src/errors.ts';
import { firstLine, pick, pickNumber, pickString } from '../shared/pick.ts';

export interface BitbucketDelivery {
  /** The connector instance name. */
  connector: string;
  /** `X-Request-UUID` (Cloud) or `X-Request-Id` (Data Center), or a body digest. */
  id: string;
  /** `X-Event-Key`, e.g. `repo:push`, `pullrequest:created`, `pr:opened`. */
  eventKey: string;
  now: Date;
}

const EVENT_KEY = /^[a-z_]+(:[a-z_]+)*$/i;

/**
 * Maps a verified Bitbucket payload to a HubEvent: `repo:push` -> `bitbucket.repo.push`
 * (every `:` becomes `.`). Reads both the Cloud and the Data Center payload shapes.
 */
export function normalizeBitbucket(payload: Record<string, unknown>, delivery: BitbucketDelivery): HubEvent {
  if (!EVENT_KEY.test(delivery.eventKey)) {
    throw new PayloadError(`X-Event-Key "${delivery.eventKey.slice(0, 64)}" is not a Bitbucket event key`);
  }
  const fields = payload.pullRequest !== undefined ? dataCenterFields(payload) : cloudFields(payload);
  return createHubEvent(
    {
      id: delivery.id,
      type: `bitbucket.${delivery.eventKey.replaceAll(':', '.')}`,
      connector: delivery.connector,
      data: payload,
      ...fields,
      actor: pickString(payload, 'actor', 'display_name') ?? pickString(payload, 'actor', 'displayName'),
    },
    delivery.now,
  );
}

interface Fields {
  subject?: string | undefined;
  title?: string | undefined;
  url?: string | undefined;
}

function cloudFields(payload: Record<string, unknown>): Fields {
  const repo = pickString(payload, 'repository', 'full_name');
  const pr = pick(payload, 'pullrequest');
  if (pr !== undefined) {
    const id = pickNumber(pr, 'id');
    return {
      subject: repo && id !== undefined ? `${repo}#${id}` : repo,
      title: pickString(pr, 'title'),
      url: pickString(pr, 'links', 'html', 'href'),
    };
  }
  const change = firstChange(payload);
  return {
    subject: repo,
    title: pickString(payload, 'issue', 'title') ?? firstLine(pickString(change, 'new', 'target', 'message')),
    url:
      pickString(payload, 'issue', 'links', 'html', 'href') ??
      pickString(change, 'links', 'html', 'href') ??
      pickString(payload, 'repository', 'links', 'html', 'href'),
  };
}

function firstChange(payload: Record<string, unknown>): unknown {
  const changes = pick(payload, 'push', 'changes');
  return Array.isArray(changes) ? changes[0] : undefined;
}

function dataCenterFields(payload: Record<string, unknown>): Fields {
  const pr = payload.pullRequest;
  const repo = pick(pr, 'toRef', 'repository');
  const project = pickString(repo, 'project', 'key');
  const slug = pickString(repo, 'slug');
  const id = pickNumber(pr, 'id');
  const self = pick(pr, 'links', 'self');
  return {
    subject: project && slug ? `${project}/${slug}${id !== undefined ? `#${id}` : ''}` : undefined,
    title: pickString(pr, 'title'),
    url: Array.isArray(self) ? pickString(self[0], 'href') : undefined,
  };
}
