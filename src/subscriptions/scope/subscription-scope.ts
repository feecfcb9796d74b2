import { chatPlatformNames, chatPlatforms } from '../chat/platforms/index.ts';
import type { ChatChannel } from '../subscription.ts';
import type { Target } from '../targets.ts';
import type { SourceConnector } from './source-connectors.ts';

/** `subscriptions.teams`: `<platform>:<team id>` → the connectors that team's channels may subscribe to. */
export type TeamSources = Readonly<Record<string, '*' | readonly string[]>>;

/** What chat subscriptions may relay: the hub's connectors, and which team sees which (absent: every team sees all). */
export interface SubscriptionScope {
  sources: readonly SourceConnector[];
  teams?: TeamSources | undefined;
}

export type ScopeResult = { from: string[] } | { problem: string };

/** `slack:T024BE7LD`: how `subscriptions.teams` names the channel's team or guild. */
export function teamKey(channel: Pick<ChatChannel, 'platform' | 'team'>): string {
  return `${channel.platform}:${channel.team ?? '<no team>'}`;
}

/**
 * The connectors whose events a subscription of this channel to this target may relay (the
 * subscription's rules get them as `from:`), or why it may relay none. A chat user must not read
 * into their channel what the operator did not give their team, nor a repository outside the
 * `repos`/`orgs` a github connector lists (its app or token may receive more).
 */
export function scopeOf(scope: SubscriptionScope, channel: ChatChannel, target: Target): ScopeResult {
  const visible = teamSources(scope, channel);
  if ('problem' in visible) return visible;
  if (target.provider === 'github') return githubSources(visible.sources, target.path);
  if (target.provider === 'glob') return globSources(visible.sources, target.glob);
  const of = visible.sources.filter((s) => s.type === target.provider).map((s) => s.name);
  if (of.length > 0) return { from: of };
  return { problem: `no ${target.provider} connector ${scope.teams ? 'this team may subscribe to' : 'in hookhub.yaml'}` };
}

function teamSources(scope: SubscriptionScope, channel: ChatChannel): { sources: SourceConnector[] } | { problem: string } {
  const relayable = scope.sources.filter((s) => !(chatPlatformNames as readonly string[]).includes(s.type));
  if (!scope.teams) return { sources: relayable };
  const key = teamKey(channel);
  const entry = Object.hasOwn(scope.teams, key) ? scope.teams[key] : undefined;
  if (entry === undefined) {
    const label = chatPlatforms[channel.platform].label;
    // The connectors' names are the operators' business: the example names none.
    const example = channel.team ? `\`${key}\` with the connectors it may see (or '*')` : 'a team';
    return {
      problem: `this ${label} ${channel.team ? `team (${key})` : 'conversation has no team and'} is not among subscriptions.teams in hookhub.yaml, so it may not subscribe to events; an admin can add ${example}`,
    };
  }
  return { sources: entry === '*' ? relayable : relayable.filter((s) => entry.includes(s.name)) };
}

/** The github connectors that list the repository or its owner, and those that list none. */
function githubSources(sources: readonly SourceConnector[], path: string): ScopeResult {
  const github = sources.filter((s) => s.type === 'github');
  const owner = path.split('/')[0] ?? '';
  const covers = (s: SourceConnector) => s.lists.length === 0 || s.lists.includes(owner) || s.lists.includes(path);
  const from = github.filter(covers).map((s) => s.name);
  if (from.length > 0) return { from };
  if (github.length === 0) return { problem: 'no github connector whose events this channel may subscribe to' };
  const listed = [...new Set(github.flatMap((s) => s.lists))].join(', ');
  const what = path.endsWith('/*') ? `the org ${owner}` : path;
  return {
    problem: `${what} is not among the repositories and orgs the github connectors list (${listed}); an admin can add it under repos or orgs`,
  };
}

/**
 * Any connector but those of github that list repos/orgs: their events reach subscriptions through
 * owner/repo targets, which are checked against the lists, and a `github.**` glob would skip that check.
 */
function globSources(sources: readonly SourceConnector[], glob: string): ScopeResult {
  const from = sources.filter((s) => s.type !== 'github' || s.lists.length === 0).map((s) => s.name);
  const provider = glob.split('.')[0] ?? '';
  const scopedGithub = sources.some((s) => s.type === 'github' && s.lists.length > 0);
  if (provider === 'github' && scopedGithub && !sources.some((s) => from.includes(s.name) && s.type === 'github'))
    return {
      problem: 'the github connectors list repos/orgs: subscribe to owner/repo or owner/* (an org they list) instead of a github.* glob',
    };
  if (from.length > 0) return { from };
  return { problem: 'no connector whose events this channel may subscribe to' };
}
