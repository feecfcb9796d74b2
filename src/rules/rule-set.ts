import type { HubEvent } from '../events/hub-event.ts';
import type { Rule, RuleSet, RuleVerdict } from './rule.ts';
import { createRuleIndex } from './rule-index.ts';

/** Builds an immutable, indexed rule set. Rules keep the order they were given (file order). */
export function createRuleSet(rules: readonly Rule[], files: readonly string[] = []): RuleSet {
  const index = createRuleIndex(rules);
  return {
    rules,
    files,
    scheduled: rules.filter((rule) => rule.schedule !== undefined),
    match(event: HubEvent) {
      return index.candidates(event.type).filter((rule) => rule.check(event).ok);
    },
    explain(event: HubEvent) {
      return index.candidates(event.type).map((rule): RuleVerdict => {
        const check = rule.check(event);
        if (check.ok) return { rule, outcome: 'matched' };
        const failed = check.reason === 'when' ? rule.explain(event) : [];
        return { rule, outcome: 'skipped', reason: check.reason, failed };
      });
    },
    considers(type: string) {
      return index.candidates(type).length > 0;
    },
  };
}

/** An empty rule set: what a hub runs before its first successful load. */
export const EMPTY_RULE_SET: RuleSet = createRuleSet([]);
