import { firstLine, pick, pickNumber, pickString } from '../../../connectors/shared/pick.ts';
import type { HubEvent } from '../../events/hub-event.ts';
import { COLORS, excerpt, field, genericCard, type Card, type ChatMessage } from './card.ts';

type P = Record<string, unknown>;
const FAILED = new Set(['failure', 'timed_out', 'startup_failure', 'cancelled']);

/** Rich GitHub messages: PR/issue cards with state (threaded), pushes, releases, deployments, CI failures. */
export function githubMessage(event: HubEvent): ChatMessage {
  const p = (event.data ?? {}) as P;
  const repo = pickString(p, 'repository', 'full_name') ?? '';
  const kind = event.type.split('.')[1] ?? '';
  const item = (pick(p, 'pull_request') ?? pick(p, 'issue')) as P | undefined;
  if (item && kind !== 'push') return threaded(event, p, repo, item);
  switch (kind) {
    case 'push':
      return { card: pushCard(p, repo) };
    case 'release':
      return { card: releaseCard(p, repo) };
    case 'deployment_status':
      return { card: deploymentCard(p, repo) };
    case 'workflow_job':
      return { card: jobCard(p, repo) };
    case 'workflow_run':
      return { card: runCard(p, repo) };
    default:
      return { card: genericCard(event) };
  }
}

/** The PR or issue card: number, title, state, author, labels, branches. */
export function itemCard(item: P, repo: string, isPull: boolean): Card {
  const merged = pick(item, 'merged') === true || pickString(item, 'merged_at') !== undefined;
  const state = merged
    ? 'merged'
    : pick(item, 'draft') === true && pickString(item, 'state') === 'open'
      ? 'draft'
      : (pickString(item, 'state') ?? 'open');
  const labels = (Array.isArray(item.labels) ? item.labels : [])
    .map((l) => pickString(l, 'name'))
    .filter(Boolean)
    .join(', ');
  const branch = isPull ? `${pickString(item, 'head', 'ref') ?? '?'} → ${pickString(item, 'base', 'ref') ?? '?'}` : undefined;
  return {
    title: `${isPull ? 'PR' : 'Issue'} #${pickNumber(item, 'number') ?? '?'} ${pickString(item, 'title') ?? ''}`.trim(),
    ...(pickString(item, 'html_url') ? { url: pickString(item, 'html_url') } : {}),
    state,
    color: COLORS[state as keyof typeof COLORS] ?? COLORS.neutral,
    fields: [
      ...field('State', state),
      ...field('Author', pickString(item, 'user', 'login')),
      ...field('Labels', labels),
      ...field('Branch', branch),
    ],
    context: repo,
  };
}

function threaded(event: HubEvent, p: P, repo: string, item: P): ChatMessage {
  const isPull = pick(p, 'pull_request') !== undefined || pick(item, 'pull_request') !== undefined;
  const parent = itemCard(item, repo, isPull);
  const actor = event.actor ?? pickString(p, 'sender', 'login') ?? 'someone';
  const noun = isPull ? 'pull request' : 'issue';
  const action = pickString(p, 'action') ?? '';
  const review = pick(p, 'review') as P | undefined;
  const comment = pick(p, 'comment') as P | undefined;
  let line: string;
  if (review) line = `${pickString(review, 'user', 'login') ?? actor} ${reviewVerb(pickString(review, 'state'))}${bodyOf(review)}`;
  else if (comment) line = `${pickString(comment, 'user', 'login') ?? actor} commented${bodyOf(comment)}`;
  else line = `${actor} ${parent.state === 'merged' && action === 'closed' ? 'merged' : action.replace(/_/g, ' ')} the ${noun}`;
  const url = pickString(comment, 'html_url') ?? pickString(review, 'html_url') ?? parent.url;
  const card: Card =
    review || comment
      ? {
          ...parent,
          title: `${line.split(':')[0]} on ${parent.title}`,
          ...(url ? { url } : {}),
          text: excerpt(pickString(comment ?? review, 'body')) ?? '',
        }
      : parent;
  return { card, thread: { key: `${repo}#${pickNumber(item, 'number') ?? '?'}`, parent, line } };
}

function reviewVerb(state: string | undefined): string {
  return state === 'approved' ? 'approved' : state === 'changes_requested' ? 'requested changes' : 'reviewed';
}

function bodyOf(o: P): string {
  const body = excerpt(pickString(o, 'body'), 200);
  return body ? `: ${body}` : '';
}

function pushCard(p: P, repo: string): Card {
  const commits = (Array.isArray(p.commits) ? p.commits : []) as P[];
  const branch = (pickString(p, 'ref') ?? '').replace(/^refs\/heads\//, '');
  const lines = commits
    .slice(0, 5)
    .map(
      (c) =>
        `\`${(pickString(c, 'id') ?? '').slice(0, 7)}\` ${firstLine(pickString(c, 'message')) ?? ''} — ${pickString(c, 'author', 'username') ?? pickString(c, 'author', 'name') ?? ''}`,
    );
  if (commits.length > 5) lines.push(`… and ${commits.length - 5} more`);
  const n = commits.length;
  return {
    title: `${n} new commit${n === 1 ? '' : 's'} pushed to ${branch}${pick(p, 'forced') === true ? ' (force-push)' : ''}`,
    ...(pickString(p, 'compare') ? { url: pickString(p, 'compare') } : {}),
    text: lines.join('\n'),
    fields: [],
    context: `${repo} · by ${pickString(p, 'pusher', 'name') ?? pickString(p, 'sender', 'login') ?? '?'}`,
  };
}

function releaseCard(p: P, repo: string): Card {
  const tag = pickString(p, 'release', 'tag_name') ?? '';
  const name = pickString(p, 'release', 'name') ?? tag;
  return {
    title: `Release ${name}${name !== tag ? ` (${tag})` : ''}${pick(p, 'release', 'prerelease') === true ? ' — pre-release' : ''}`,
    ...(pickString(p, 'release', 'html_url') ? { url: pickString(p, 'release', 'html_url') } : {}),
    text: excerpt(pickString(p, 'release', 'body'), 500) ?? '',
    color: COLORS.success,
    fields: [],
    context: `${repo} · by ${pickString(p, 'release', 'author', 'login') ?? '?'}`,
  };
}

function deploymentCard(p: P, repo: string): Card {
  const state = pickString(p, 'deployment_status', 'state') ?? 'unknown';
  const env = pickString(p, 'deployment_status', 'environment') ?? pickString(p, 'deployment', 'environment') ?? '?';
  const url = pickString(p, 'deployment_status', 'environment_url') ?? pickString(p, 'deployment_status', 'target_url');
  return {
    title: `Deployment to ${env}: ${state}`,
    ...(url ? { url } : {}),
    state,
    color: state === 'success' ? COLORS.success : COLORS.failure,
    fields: [...field('Ref', pickString(p, 'deployment', 'ref')), ...field('Commit', pickString(p, 'deployment', 'sha')?.slice(0, 7))],
    context: `${repo} · by ${pickString(p, 'deployment', 'creator', 'login') ?? pickString(p, 'sender', 'login') ?? '?'}`,
  };
}

function jobCard(p: P, repo: string): Card {
  const job = (pick(p, 'workflow_job') ?? {}) as P;
  const conclusion = pickString(job, 'conclusion') ?? 'unknown';
  const steps = (Array.isArray(job.steps) ? job.steps : []) as P[];
  const failing = steps.find((s) => FAILED.has(pickString(s, 'conclusion') ?? ''));
  return {
    title: `CI ${conclusion === 'success' ? 'passed' : 'failed'}: ${pickString(job, 'workflow_name') ?? 'workflow'} / ${pickString(job, 'name') ?? 'job'}`,
    ...(pickString(job, 'html_url') ? { url: pickString(job, 'html_url') } : {}),
    state: conclusion,
    color: FAILED.has(conclusion) ? COLORS.failure : COLORS.success,
    fields: [
      ...field('Failing step', pickString(failing, 'name')),
      ...field('Branch', pickString(job, 'head_branch')),
      ...field('Commit', pickString(job, 'head_sha')?.slice(0, 7)),
      ...field('Conclusion', conclusion),
    ],
    context: repo,
  };
}

function runCard(p: P, repo: string): Card {
  const run = (pick(p, 'workflow_run') ?? {}) as P;
  const conclusion = pickString(run, 'conclusion') ?? 'unknown';
  return {
    title: `${pickString(run, 'name') ?? 'Workflow'} #${pickNumber(run, 'run_number') ?? '?'}: ${conclusion}`,
    ...(pickString(run, 'html_url') ? { url: pickString(run, 'html_url') } : {}),
    state: conclusion,
    color: FAILED.has(conclusion) ? COLORS.failure : conclusion === 'success' ? COLORS.success : COLORS.neutral,
    fields: [
      ...field('Branch', pickString(run, 'head_branch')),
      ...field('Commit', firstLine(pickString(run, 'head_commit', 'message'))),
      ...field('Event', pickString(run, 'event')),
    ],
    context: `${repo} · by ${pickString(run, 'actor', 'login') ?? '?'}`,
  };
}
