import { firstLine, pick, pickNumber, pickString } from '../shared/pick.ts';
import { PayloadError } from '../../src/errors.ts';

/** The CloudEvents attributes hookhub derives from a GitLab delivery. */
export interface GitlabSummary {
  type: string;
  subject: string | undefined;
  title: string | undefined;
  url: string | undefined;
  actor: string | undefined;
}

const KIND = /^[a-z0-9_]{1,64}$/;

/**
 * Maps a verified GitLab payload (project, group or system hook) to type, subject, title, url, actor.
 * https://docs.gitlab.com/user/project/integrations/webhook_events/
 */
export function normalizeGitlab(p: Record<string, unknown>): GitlabSummary {
  return {
    type: gitlabEventType(p),
    subject: gitlabSubject(p),
    title: gitlabTitle(p),
    url: pickString(p, 'object_attributes', 'url') ?? lastCommit(p, 'url') ?? pickString(p, 'project', 'web_url'),
    actor: pickString(p, 'user', 'username') ?? pickString(p, 'user_username') ?? pickString(p, 'user_name'),
  };
}

/** `gitlab.<object_kind>[.<object_attributes.action>]`; system hooks name themselves in `event_name`. */
export function gitlabEventType(p: Record<string, unknown>): string {
  const kind = pickString(p, 'object_kind') ?? pickString(p, 'event_name');
  if (kind === undefined || !KIND.test(kind)) throw new PayloadError('body has no usable `object_kind` (not a GitLab webhook payload)');
  const action = pickString(p, 'object_attributes', 'action');
  if (action === undefined) return `gitlab.${kind}`;
  return `gitlab.${kind}.${action.toLowerCase().replace(/[^a-z0-9_-]+/g, '_')}`;
}

/** `group/project!1` for merge requests, `group/project#23` for issues, `group/project@main` for pushes. */
function gitlabSubject(p: Record<string, unknown>): string | undefined {
  const project = pickString(p, 'project', 'path_with_namespace');
  if (project === undefined) return pickString(p, 'group', 'full_path') ?? pickString(p, 'path_with_namespace');
  const kind = pickString(p, 'object_kind');
  const mr = kind === 'merge_request' ? pickNumber(p, 'object_attributes', 'iid') : pickNumber(p, 'merge_request', 'iid');
  const issue = kind === 'issue' || kind === 'work_item' ? pickNumber(p, 'object_attributes', 'iid') : pickNumber(p, 'issue', 'iid');
  if (kind !== 'pipeline' && mr !== undefined) return `${project}!${mr}`;
  if (issue !== undefined) return `${project}#${issue}`;
  const ref = pickString(p, 'ref') ?? pickString(p, 'object_attributes', 'ref');
  return ref !== undefined ? `${project}@${ref.replace(/^refs\/(heads|tags)\//, '')}` : project;
}

function gitlabTitle(p: Record<string, unknown>): string | undefined {
  const kind = pickString(p, 'object_kind');
  const status = pickString(p, 'object_attributes', 'status') ?? pickString(p, 'build_status') ?? pickString(p, 'status');
  switch (kind) {
    case 'push':
      return firstLine(lastCommit(p, 'message'));
    case 'tag_push':
      return pickString(p, 'ref')?.replace(/^refs\/tags\//, 'tag ');
    case 'note':
      return firstLine(pickString(p, 'object_attributes', 'note'));
    case 'pipeline':
      return `pipeline ${pickNumber(p, 'object_attributes', 'id') ?? ''} ${status ?? ''}`.replace(/\s+/g, ' ').trim();
    case 'build':
      return [pickString(p, 'build_name'), status].filter(Boolean).join(' ') || undefined;
    case 'deployment':
      return [pickString(p, 'environment'), status].filter(Boolean).join(' ') || undefined;
    default:
      return pickString(p, 'object_attributes', 'title') ?? pickString(p, 'object_attributes', 'name') ?? pickString(p, 'name');
  }
}

/** A field of the pushed head commit (`checkout_sha`), else of the last listed commit. */
function lastCommit(p: Record<string, unknown>, key: string): string | undefined {
  const listed = pick(p, 'commits');
  if (!Array.isArray(listed) || listed.length === 0) return undefined;
  const commits: unknown[] = listed;
  const head = pickString(p, 'checkout_sha');
  const commit = commits.find((c) => pickString(c, 'id') === head) ?? commits[commits.length - 1];
  return pickString(commit, key);
}
