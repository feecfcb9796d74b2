import { actions } from '../../../src/actions/index.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import type { RuleSet } from '../../../src/rules/rule.ts';

/** Compiles rules from YAML text against the real action registry; throws on any error. */
export function ruleSetFrom(yaml: string, channels: string[] = ['eng']): RuleSet {
  const result = compileRuleSources([{ file: 'test.yaml', text: yaml }], { registry: actions, channels, connectors: ['github', 'stripe'] });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return result.ruleSet;
}

export function scheduledRule(name: string, cron: string, extra = ''): string {
  return `  - name: ${name}\n    schedule: "${cron}"\n${extra}    do:\n      - notify: { channel: eng, text: "tick {{data.tick}}" }\n`;
}
