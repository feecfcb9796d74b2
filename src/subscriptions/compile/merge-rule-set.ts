import { createRuleSet } from '../../rules/rule-set.ts';
import type { RuleSet } from '../../rules/rule.ts';
import type { SubscriptionRules } from './subscription-rules.ts';

/**
 * The rule set the router reads: the rule files' set plus the subscription rules, rebuilt only
 * when either changes. A file rule wins over a subscription rule of the same name.
 */
export function createRuleSetMerger(files: () => RuleSet, subscriptions: SubscriptionRules): () => RuleSet {
  let cached: { files: RuleSet; version: number; merged: RuleSet } | undefined;
  return () => {
    const current = files();
    const version = subscriptions.version();
    if (cached && cached.files === current && cached.version === version) return cached.merged;
    const names = new Set(current.rules.map((r) => r.name));
    const extra = subscriptions.rules().filter((r) => !names.has(r.name));
    const merged = extra.length === 0 ? current : createRuleSet([...current.rules, ...extra], current.files);
    cached = { files: current, version, merged };
    return merged;
  };
}
