import { emitterEventNames } from '@octokit/webhooks';
import { didYouMean } from '../../src/shared/closest-match.ts';

/**
 * Every event GitHub sends, with its actions (empty for events such as `push` that carry none), from
 * octokit's list of webhook names (`event` and `event.action`), which follows GitHub's webhook schemas.
 */
const ACTIONS = actionsByEvent(emitterEventNames);

/** Events whose action the sender picks (repository_dispatch's `event_type`), so any action may come. */
const FREE_FORM_ACTIONS = new Set(['repository_dispatch']);

function actionsByEvent(names: readonly string[]): ReadonlyMap<string, ReadonlySet<string>> {
  const map = new Map<string, Set<string>>();
  for (const name of names) {
    const dot = name.indexOf('.');
    const event = dot < 0 ? name : name.slice(0, dot);
    const actions = map.get(event) ?? new Set<string>();
    if (dot >= 0) actions.add(name.slice(dot + 1));
    map.set(event, actions);
  }
  return map;
}

const isWildcard = (segment: string): boolean => segment === '*' || segment === '**';

/**
 * Why a `github.…` type glob names something GitHub never sends, or undefined. `segments` are the
 * glob's segments after `github`; wildcard segments are not judged. The connector's types are
 * `github.<X-GitHub-Event>[.<action>]` (normalize.ts). GitHub adds events, so this is for warnings.
 */
export function githubGlobProblem(segments: readonly string[]): string | undefined {
  const [event, action, ...rest] = segments;
  if (event === undefined || isWildcard(event)) return undefined;
  const actions = ACTIONS.get(event);
  if (actions === undefined) return `GitHub sends no "${event}" event${didYouMean(event, ACTIONS.keys())}`;
  if (action === undefined) {
    return actions.size > 0 ? `GitHub's ${event} events always have an action: use "github.${event}.*" to take them all` : undefined;
  }
  if (actions.size === 0) return `GitHub's ${event} events have no action: use "github.${event}"`;
  if (!isWildcard(action) && !FREE_FORM_ACTIONS.has(event) && !actions.has(action)) {
    return `GitHub sends no "${action}" action for ${event} events${didYouMean(action, actions)}`;
  }
  // The connector makes even a free-form action one segment.
  return rest.length > 0 ? `GitHub event types end at the action: github.${event}.<action>` : undefined;
}
