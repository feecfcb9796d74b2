import { pickNumber, pickString } from '../shared/pick.ts';
import { githubTitle } from './titles.ts';

/** The CloudEvents attributes hookhub derives from a GitHub delivery. */
export interface GithubSummary {
  type: string;
  subject: string | undefined;
  title: string | undefined;
  url: string | undefined;
  actor: string | undefined;
}

/** Events whose subject is a ref of the repository rather than the repository itself. */
const REF_EVENTS = new Set(['push', 'create', 'delete']);

/** Payload keys holding "the thing this event is about", most specific first, for `url`. */
const MAIN_OBJECTS = [
  'comment',
  'review',
  'pull_request',
  'issue',
  'discussion',
  'release',
  'workflow_run',
  'workflow_job',
  'check_run',
  'alert',
  'security_advisory',
  'deployment',
  'milestone',
  'project',
  'team',
  'member',
  'package',
  'forkee',
  'commit',
  'repository',
  'organization',
] as const;

/**
 * Maps a verified GitHub payload to type, subject, title, url and actor.
 * `event` is the `X-GitHub-Event` header, already lowercased.
 */
export function normalizeGithub(event: string, payload: Record<string, unknown>): GithubSummary {
  return {
    type: githubEventType(event, payload),
    subject: githubSubject(event, payload),
    title: githubTitle(event, payload),
    url: githubUrl(event, payload),
    actor: pickString(payload, 'sender', 'login'),
  };
}

/** `github.<event>[.<action>]`; free-form actions (repository_dispatch) are made into one safe segment. */
export function githubEventType(event: string, payload: Record<string, unknown>): string {
  const action = pickString(payload, 'action');
  if (action === undefined) return `github.${event}`;
  return `github.${event}.${action.toLowerCase().replace(/[^a-z0-9_-]+/g, '_')}`;
}

/** `owner/repo#42` for issues, PRs and discussions, `owner/repo@main` for refs, else the repo or account. */
function githubSubject(event: string, p: Record<string, unknown>): string | undefined {
  const repo = pickString(p, 'repository', 'full_name');
  if (repo === undefined) return accountOf(p);
  const number = pickNumber(p, 'pull_request', 'number') ?? pickNumber(p, 'issue', 'number') ?? pickNumber(p, 'discussion', 'number');
  if (number !== undefined) return `${repo}#${number}`;
  const ref = pickString(p, 'ref');
  if (REF_EVENTS.has(event) && ref !== undefined) return `${repo}@${ref.replace(/^refs\/(heads|tags)\//, '')}`;
  return repo;
}

/** Organization- and account-level events (installation, sponsorship, marketplace) have no repository. */
function accountOf(p: Record<string, unknown>): string | undefined {
  return (
    pickString(p, 'security_advisory', 'ghsa_id') ??
    pickString(p, 'organization', 'login') ??
    pickString(p, 'installation', 'account', 'login') ??
    pickString(p, 'sponsorship', 'sponsorable', 'login') ??
    pickString(p, 'marketplace_purchase', 'account', 'login') ??
    pickString(p, 'enterprise', 'slug') ??
    pickString(p, 'sender', 'login')
  );
}

function githubUrl(event: string, p: Record<string, unknown>): string | undefined {
  if (event === 'push') return pickString(p, 'compare') ?? pickString(p, 'repository', 'html_url');
  const advisory = pickString(p, 'security_advisory', 'ghsa_id');
  if (event === 'security_advisory' && advisory) return `https://github.com/advisories/${advisory}`;
  for (const key of MAIN_OBJECTS) {
    const url = pickString(p, key, 'html_url');
    if (url !== undefined) return url;
  }
  return undefined;
}
