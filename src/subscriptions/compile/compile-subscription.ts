import { escapeRegex, filterClauses, mergeClauses, type Clause } from './filter-clauses.ts';
import { PROVIDERS, type FeatureDef } from './features.ts';
import { describeSubscription } from '../commands/describe.ts';
import type { FeatureSelection, Subscription } from '../subscription.ts';

/** The `do:` entry of a subscription rule: the `chat` action finds the rest in the stored subscription. */
export interface ChatActionParams {
  subscription: string;
  /** `slack:C024BE91L`: the channel, so rate limits and circuit breakers apply per chat channel. */
  to: string;
  feature: string;
  /** `commits` without a branch: only pushes to the repository's default branch. */
  defaultBranchOnly?: boolean;
}

/** A subscription's rule, as a rules file would spell it (for the engine and for `subscriptions export`). */
export interface RawRule {
  name: string;
  description: string;
  on: string[];
  when?: Clause;
  do: { chat: ChatActionParams }[];
}

export function subscriptionRuleName(id: string, feature: string): string {
  return `sub-${id}-${feature}`;
}

/** The features that apply: those chosen, or the provider's defaults. */
export function effectiveFeatures(sub: Pick<Subscription, 'target' | 'features'>): FeatureSelection[] {
  if (sub.features.length > 0) return sub.features;
  return PROVIDERS[sub.target.provider].defaults.map((name) => ({ name }));
}

/** One rule per feature, each with its own types and filters (labels only where the payload has labels). */
export function subscriptionRules(sub: Subscription): RawRule[] {
  const description = `${originOf(sub)} · ${describeSubscription(sub)}`;
  return effectiveFeatures(sub).flatMap((selection): RawRule[] => {
    const def = featureDef(sub, selection);
    if (!def) return [];
    const on = sub.target.provider === 'glob' ? [sub.target.glob] : [...def.on];
    const branchArg = selection.name === 'commits' ? selection.arg : undefined;
    const clauses = [...targetClauses(sub), ...(def.when ? [def.when as Clause] : []), ...filterClauses(def, sub.filters, branchArg)];
    const when = mergeClauses(clauses);
    const defaultBranchOnly = selection.name === 'commits' && selection.arg === undefined && sub.filters.branches.length === 0;
    const params: ChatActionParams = {
      subscription: sub.id,
      to: `${sub.channel.platform}:${sub.channel.id}`,
      feature: selection.arg === 'all' ? `${selection.name}:all` : selection.name,
    };
    if (defaultBranchOnly) params.defaultBranchOnly = true;
    return [{ name: subscriptionRuleName(sub.id, selection.name), description, on, ...(when ? { when } : {}), do: [{ chat: params }] }];
  });
}

/** `slack #eng (C123) by @ana at 2026-11-28T17:05:00Z`: where a subscription came from. */
export function originOf(sub: Subscription): string {
  const { channel } = sub;
  const where = `${channel.platform} ${channel.name ? `#${channel.name} (${channel.id})` : channel.id}`;
  const who = sub.createdBy.name ? `@${sub.createdBy.name}` : sub.createdBy.id;
  return `${where} by ${who} at ${sub.createdAt}`;
}

/**
 * Filters none of the subscription's features can apply (`commits +label:bug`: pushes have no
 * labels), as warnings for the reply: their rules leave them out, so they would filter nothing.
 */
export function idleFilters(sub: Pick<Subscription, 'target' | 'features' | 'filters'>): string[] {
  const defs = effectiveFeatures(sub).flatMap((selection) => featureDef(sub, selection) ?? []);
  const names = effectiveFeatures(sub).map((f) => f.name);
  const { filters } = sub;
  const takers = (has: (def: FeatureDef) => unknown) =>
    Object.entries(PROVIDERS[sub.target.provider].features)
      .filter(([, def]) => has(def))
      .map(([name]) => name)
      .join(', ');
  const idle: string[] = [];
  if (filters.labelsAll.length + filters.labelsNone.length > 0 && !defs.some((d) => d.labels))
    idle.push(`label filters do nothing for ${names.join(', ')}: they apply to ${takers((d) => d.labels)}`);
  if (filters.branches.length > 0 && !defs.some((d) => d.branch))
    idle.push(`branch: does nothing for ${names.join(', ')}: it applies to ${takers((d) => d.branch)}`);
  return idle;
}

function featureDef(sub: Pick<Subscription, 'target'>, selection: FeatureSelection): Omit<FeatureDef, 'variants'> | undefined {
  const def = PROVIDERS[sub.target.provider].features[selection.name];
  if (!def) return undefined;
  return selection.arg !== undefined && def.variants?.[selection.arg] ? def.variants[selection.arg] : def;
}

function targetClauses(sub: Subscription): Clause[] {
  const { target } = sub;
  if (target.provider !== 'github' && target.provider !== 'gitlab') return [];
  const field = PROVIDERS[target.provider].pathField ?? '';
  const pattern = target.path.endsWith('/*') ? `^${escapeRegex(target.path.slice(0, -1))}` : `^${escapeRegex(target.path)}$`;
  return [{ [field]: { $regex: pattern, $options: 'i' } }];
}
