import { formatPos } from './diagnostics.ts';
import type { RuleSet } from './rule.ts';

/** One line of `rules list --json`. */
export interface RuleSummary {
  name: string;
  where: string;
  enabled: boolean;
  on?: readonly string[];
  schedule?: { cron: string; timezone?: string };
  from?: readonly string[];
  when: boolean;
  actions: string[];
  description?: string;
  /** For rules not from a file (chat subscriptions): who made them, where and when. */
  origin?: string;
}

export function ruleListJson(ruleSet: RuleSet): RuleSummary[] {
  return ruleSet.rules.map((rule) => ({
    name: rule.name,
    where: formatPos(rule.where),
    enabled: rule.enabled,
    ...(rule.schedule ? { schedule: rule.schedule } : { on: rule.on }),
    ...(rule.from ? { from: rule.from } : {}),
    when: rule.when !== undefined,
    actions: rule.actions.map((a) => a.type),
    ...(rule.description ? { description: rule.description } : {}),
    ...(rule.origin ? { origin: rule.origin } : {}),
  }));
}

/** A plain table: name, trigger, actions, where (disabled rules marked). */
export function formatRuleList(ruleSet: RuleSet): string {
  const rows = ruleListJson(ruleSet).map((r) => [
    `${r.name}${r.enabled ? '' : ' (disabled)'}`,
    r.schedule
      ? `schedule ${r.schedule.cron}${r.schedule.timezone ? ` ${r.schedule.timezone}` : ''}`
      : `${(r.on ?? []).join(', ')}${r.from ? ` from ${r.from.join(', ')}` : ''}${r.when ? ' when …' : ''}`,
    r.actions.join(', '),
    r.origin ?? r.where,
  ]);
  const header = ['RULE', 'TRIGGER', 'ACTIONS', 'WHERE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n${rows.length} rule(s)\n`;
}
