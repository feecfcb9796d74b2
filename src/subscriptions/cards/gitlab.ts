import { firstLine, pick, pickNumber, pickString } from '../../../connectors/shared/pick.ts';
import type { HubEvent } from '../../events/hub-event.ts';
import { COLORS, excerpt, field, genericCard, type Card, type ChatMessage } from './card.ts';

type P = Record<string, unknown>;
const STATE: Readonly<Record<string, string>> = { opened: 'open', reopened: 'open', closed: 'closed', merged: 'merged', locked: 'closed' };

/** GitLab messages: merge request and issue cards (threaded), pushes, pipelines, releases, deployments. */
export function gitlabMessage(event: HubEvent): ChatMessage {
  const p = (event.data ?? {}) as P;
  const project = pickString(p, 'project', 'path_with_namespace') ?? '';
  const kind = pickString(p, 'object_kind') ?? '';
  const actor = event.actor ?? pickString(p, 'user', 'username') ?? 'someone';
  if (kind === 'merge_request' || kind === 'issue') {
    const parent = itemCard(p.object_attributes as P, project, kind === 'merge_request', p);
    const action = pickString(p, 'object_attributes', 'action') ?? 'updated';
    const line = `${actor} ${{ open: 'opened', close: 'closed', reopen: 'reopened', merge: 'merged', approved: 'approved', unapproved: 'unapproved' }[action] ?? action} the ${kind === 'issue' ? 'issue' : 'merge request'}`;
    return { card: parent, thread: { key: event.subject ?? project, parent, line } };
  }
  if (kind === 'note') return noteMessage(event, p, project, actor);
  if (kind === 'push') return { card: pushCard(p, project) };
  if (kind === 'pipeline') return { card: pipelineCard(p, project) };
  if (kind === 'release')
    return {
      card: {
        title: `Release ${pickString(p, 'name') ?? pickString(p, 'tag') ?? ''}`,
        ...(pickString(p, 'url') ? { url: pickString(p, 'url') } : {}),
        text: excerpt(pickString(p, 'description'), 500) ?? '',
        color: COLORS.success,
        fields: [],
        context: project,
      },
    };
  if (kind === 'deployment') {
    const status = pickString(p, 'status') ?? 'unknown';
    return {
      card: {
        title: `Deployment to ${pickString(p, 'environment') ?? '?'}: ${status}`,
        ...(pickString(p, 'deployable_url') ? { url: pickString(p, 'deployable_url') } : {}),
        state: status,
        color: status === 'success' ? COLORS.success : COLORS.failure,
        fields: field('Ref', pickString(p, 'ref')),
        context: project,
      },
    };
  }
  return { card: genericCard(event) };
}

function itemCard(attrs: P | undefined, project: string, isMr: boolean, p: P): Card {
  const state = STATE[pickString(attrs, 'state') ?? ''] ?? pickString(attrs, 'state') ?? 'open';
  const draft = isMr && (pick(attrs, 'draft') === true || pick(attrs, 'work_in_progress') === true) && state === 'open';
  const shown = draft ? 'draft' : state;
  const labels = (Array.isArray(p.labels) ? p.labels : [])
    .map((l) => pickString(l, 'title'))
    .filter(Boolean)
    .join(', ');
  return {
    title: `${isMr ? 'MR !' : 'Issue #'}${pickNumber(attrs, 'iid') ?? '?'} ${pickString(attrs, 'title') ?? ''}`.trim(),
    ...(pickString(attrs, 'url') ? { url: pickString(attrs, 'url') } : {}),
    state: shown,
    color: COLORS[shown as keyof typeof COLORS] ?? COLORS.neutral,
    fields: [
      ...field('State', shown),
      ...field('Labels', labels),
      ...field('Branch', isMr ? `${pickString(attrs, 'source_branch') ?? '?'} → ${pickString(attrs, 'target_branch') ?? '?'}` : undefined),
    ],
    context: project,
  };
}

function noteMessage(event: HubEvent, p: P, project: string, actor: string): ChatMessage {
  const mr = pick(p, 'merge_request') as P | undefined;
  const issue = pick(p, 'issue') as P | undefined;
  const body = excerpt(pickString(p, 'object_attributes', 'note'), 200);
  const line = `${actor} commented${body ? `: ${body}` : ''}`;
  const url = pickString(p, 'object_attributes', 'url');
  const card: Card = { title: `${actor} commented`, ...(url ? { url } : {}), text: body ?? '', fields: [], context: project };
  if (!mr && !issue) return { card };
  const parent = itemCard(mr ?? issue, project, mr !== undefined, p);
  return { card: { ...card, title: `${actor} commented on ${parent.title}` }, thread: { key: event.subject ?? project, parent, line } };
}

function pushCard(p: P, project: string): Card {
  const commits = (Array.isArray(p.commits) ? p.commits : []) as P[];
  const total = pickNumber(p, 'total_commits_count') ?? commits.length;
  const branch = (pickString(p, 'ref') ?? '').replace(/^refs\/heads\//, '');
  const lines = commits
    .slice(0, 5)
    .map(
      (c) =>
        `\`${(pickString(c, 'id') ?? '').slice(0, 8)}\` ${firstLine(pickString(c, 'message')) ?? ''} — ${pickString(c, 'author', 'name') ?? ''}`,
    );
  if (total > 5) lines.push(`… and ${total - 5} more`);
  const web = pickString(p, 'project', 'web_url');
  return {
    title: `${total} new commit${total === 1 ? '' : 's'} pushed to ${branch}`,
    ...(web ? { url: `${web}/-/commits/${branch}` } : {}),
    text: lines.join('\n'),
    fields: [],
    context: `${project} · by ${pickString(p, 'user_username') ?? '?'}`,
  };
}

function pipelineCard(p: P, project: string): Card {
  const status = pickString(p, 'object_attributes', 'status') ?? 'unknown';
  const builds = (Array.isArray(p.builds) ? p.builds : []) as P[];
  const failed = builds
    .filter((b) => pickString(b, 'status') === 'failed')
    .map((b) => `${pickString(b, 'stage') ?? '?'} / ${pickString(b, 'name') ?? '?'}`);
  const url =
    pickString(p, 'object_attributes', 'url') ??
    (pickString(p, 'project', 'web_url')
      ? `${pickString(p, 'project', 'web_url')}/-/pipelines/${pickNumber(p, 'object_attributes', 'id') ?? ''}`
      : undefined);
  return {
    title: `Pipeline #${pickNumber(p, 'object_attributes', 'id') ?? '?'} ${status} on ${pickString(p, 'object_attributes', 'ref') ?? '?'}`,
    ...(url ? { url } : {}),
    state: status,
    color: status === 'success' ? COLORS.success : status === 'failed' ? COLORS.failure : COLORS.neutral,
    fields: [...field('Failed jobs', failed.join(', '), false), ...field('Commit', firstLine(pickString(p, 'commit', 'message')))],
    context: project,
  };
}
