import { firstLine, pick, pickString } from '../shared/pick.ts';

type TitleOf = (payload: unknown) => string | undefined;

/** `name conclusion` for runs and checks, e.g. "CI failure"; the status while it has no conclusion. */
function runTitle(key: string): TitleOf {
  return (p) => {
    const name = pickString(p, key, 'name') ?? pickString(p, 'workflow', 'name') ?? pickString(p, key, 'display_title');
    const outcome = pickString(p, key, 'conclusion') ?? pickString(p, key, 'status');
    return name && outcome ? `${name} ${outcome}` : name;
  };
}

function pushTitle(p: unknown): string | undefined {
  const message = firstLine(pickString(p, 'head_commit', 'message'));
  if (message) return message;
  const ref = pickString(p, 'ref');
  return ref && pick(p, 'deleted') === true ? `deleted ${ref}` : undefined;
}

function gollumTitle(p: unknown): string | undefined {
  const pages = pick(p, 'pages');
  return Array.isArray(pages) ? pickString(pages[0], 'title') : undefined;
}

const prTitle: TitleOf = (p) => pickString(p, 'pull_request', 'title');
const refTitle: TitleOf = (p) => {
  const ref = pickString(p, 'ref');
  const refType = pickString(p, 'ref_type');
  return ref && refType ? `${refType} ${ref}` : ref;
};

/** Per event: the one line a chat message would lead with. Events not listed have no title. */
const TITLES: Readonly<Record<string, TitleOf>> = {
  ping: (p) => pickString(p, 'zen'),
  push: pushTitle,
  create: refTitle,
  delete: refTitle,
  pull_request: prTitle,
  pull_request_review: prTitle,
  pull_request_review_comment: prTitle,
  pull_request_review_thread: prTitle,
  issues: (p) => pickString(p, 'issue', 'title'),
  issue_comment: (p) => pickString(p, 'issue', 'title'),
  discussion: (p) => pickString(p, 'discussion', 'title'),
  discussion_comment: (p) => pickString(p, 'discussion', 'title'),
  commit_comment: (p) => firstLine(pickString(p, 'comment', 'body')),
  release: (p) => pickString(p, 'release', 'name') ?? pickString(p, 'release', 'tag_name'),
  workflow_run: runTitle('workflow_run'),
  workflow_job: runTitle('workflow_job'),
  check_run: runTitle('check_run'),
  check_suite: (p) => {
    const outcome = pickString(p, 'check_suite', 'conclusion') ?? pickString(p, 'check_suite', 'status');
    const app = pickString(p, 'check_suite', 'app', 'name');
    return outcome && app ? `${app} ${outcome}` : outcome;
  },
  deployment: (p) => pickString(p, 'deployment', 'environment'),
  deployment_status: (p) => {
    const env = pickString(p, 'deployment', 'environment');
    const state = pickString(p, 'deployment_status', 'state');
    return env && state ? `${env} ${state}` : (env ?? state);
  },
  status: (p) => {
    const context = pickString(p, 'context');
    const state = pickString(p, 'state');
    return context && state ? `${context} ${state}` : (context ?? state);
  },
  code_scanning_alert: (p) => pickString(p, 'alert', 'rule', 'description'),
  dependabot_alert: (p) => pickString(p, 'alert', 'security_advisory', 'summary'),
  repository_vulnerability_alert: (p) => pickString(p, 'alert', 'affected_package_name'),
  security_advisory: (p) => pickString(p, 'security_advisory', 'summary'),
  milestone: (p) => pickString(p, 'milestone', 'title'),
  label: (p) => pickString(p, 'label', 'name'),
  member: (p) => pickString(p, 'member', 'login'),
  membership: (p) => pickString(p, 'member', 'login'),
  team: (p) => pickString(p, 'team', 'name'),
  team_add: (p) => pickString(p, 'team', 'name'),
  project: (p) => pickString(p, 'project', 'name'),
  project_card: (p) => firstLine(pickString(p, 'project_card', 'note')),
  project_column: (p) => pickString(p, 'project_column', 'name'),
  package: (p) => pickString(p, 'package', 'name'),
  deploy_key: (p) => pickString(p, 'key', 'title'),
  gollum: gollumTitle,
  merge_group: (p) => firstLine(pickString(p, 'merge_group', 'head_commit', 'message')),
  sponsorship: (p) => pickString(p, 'sponsorship', 'tier', 'name'),
  fork: (p) => pickString(p, 'forkee', 'full_name'),
  workflow_dispatch: (p) => pickString(p, 'workflow'),
  repository_dispatch: (p) => pickString(p, 'action'),
  branch_protection_rule: (p) => pickString(p, 'rule', 'name'),
  deployment_review: (p) => pickString(p, 'environment'),
  installation: (p) => pickString(p, 'installation', 'account', 'login'),
  org_block: (p) => pickString(p, 'blocked_user', 'login'),
  page_build: (p) => pickString(p, 'build', 'status'),
  repository: (p) => pickString(p, 'repository', 'full_name'),
  repository_import: (p) => pickString(p, 'status'),
};

/** The title for a GitHub event, or undefined when the event has nothing that reads as one. */
export function githubTitle(event: string, payload: unknown): string | undefined {
  return TITLES[event]?.(payload);
}
