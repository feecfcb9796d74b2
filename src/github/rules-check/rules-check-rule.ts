import { stringify } from 'yaml';
import { compileRuleSources } from '../../rules/compile-rule-sources.ts';
import { formatDiagnostic } from '../../rules/diagnostics.ts';
import type { Rule, RulesContext } from '../../rules/rule.ts';
import { escapeRegex } from '../../subscriptions/compile/filter-clauses.ts';
import type { GithubConnectorSettings } from '../github-settings.ts';

/** The action type the generated rule runs. */
export const RULES_CHECK_ACTION = 'rules-check';

/** The params the rule renders from the pull_request event; the action reads the rest from the config. */
export interface RulesCheckParams extends Record<string, unknown> {
  connector: string;
  pull: string;
  head: string;
  base: string;
}

export function rulesCheckRuleName(connector: string): string {
  return `github-rules-check-${connector}`;
}

/**
 * One rule per github connector with `rulesCheck`, written as a rules file would spell it and
 * compiled on the same engine: pull requests opened, reopened or pushed to in the rules repo.
 */
export function rulesCheckRules(connectors: readonly GithubConnectorSettings[], context: RulesContext): Rule[] {
  const raw = connectors.flatMap(({ name, config }) => {
    if (!config.rulesCheck) return [];
    const params: RulesCheckParams = {
      connector: name,
      pull: '{{data.number}}',
      head: '{{data.pull_request.head.sha}}',
      base: '{{data.pull_request.base.sha}}',
    };
    return [
      {
        name: rulesCheckRuleName(name),
        description: `Checks rule changes in ${config.rulesCheck.repo}/${config.rulesCheck.path} by their effect on recent events`,
        on: ['github.pull_request.opened', 'github.pull_request.reopened', 'github.pull_request.synchronize'],
        from: [name],
        // GitHub repository names are case-insensitive.
        when: { 'data.repository.full_name': { $regex: `^${escapeRegex(config.rulesCheck.repo)}$`, $options: 'i' } },
        do: [{ [RULES_CHECK_ACTION]: params }],
      },
    ];
  });
  if (raw.length === 0) return [];
  const compiled = compileRuleSources([{ file: '<github rulesCheck>', text: stringify({ rules: raw }) }], context);
  // The rule is built from validated config; a failure here is a bug, and must not pass silently.
  if (!compiled.ok) throw new Error(`github rulesCheck rule: ${compiled.diagnostics.map(formatDiagnostic).join('; ')}`);
  return [...compiled.ruleSet.rules];
}
