import type { HubEvent } from '../events/hub-event.ts';
import { formatPos } from './diagnostics.ts';
import type { FailedClause, RuleSet } from './rule.ts';
import { planJobs } from './plan-jobs.ts';
import { redactFields } from '../operations/redact.ts';
import type { ActionRegistry } from '../actions/registry.ts';

/** What `hookhub rules test` reports: exactly what the router would queue, and why others did not fire. */
export interface DryRunResult {
  event: { id: string; type: string; connector: string };
  matched: {
    rule: string;
    where: string;
    jobs: { id: string; action: string; params: Record<string, unknown> }[];
    errors: { index: number; action: string; error: string }[];
  }[];
  nearMisses: { rule: string; where: string; reason: 'disabled' | 'from' | 'when'; detail: string; failed: FailedClause[] }[];
  rules: number;
}

/** Matches and renders without publishing anything. */
export function dryRun(ruleSet: RuleSet, event: HubEvent, options: { registry: ActionRegistry; now: () => Date }): DryRunResult {
  const result: DryRunResult = {
    event: { id: event.id, type: event.type, connector: event.connector },
    matched: [],
    nearMisses: [],
    rules: ruleSet.rules.length,
  };
  for (const verdict of ruleSet.explain(event)) {
    const where = formatPos(verdict.rule.where);
    if (verdict.outcome === 'matched') {
      const planned = planJobs(verdict, event, options);
      const jobs = planned.jobs.map((j) => ({ id: j.id, action: j.action, params: redactFields(j.params) as Record<string, unknown> }));
      result.matched.push({ rule: verdict.rule.name, where, jobs, errors: planned.errors });
      continue;
    }
    const detail =
      verdict.reason === 'disabled'
        ? 'enabled: false'
        : verdict.reason === 'from'
          ? `from: ${(verdict.rule.from ?? []).join(', ')} (event came from ${event.connector})`
          : verdict.failed.map(describeClause).join('; ');
    result.nearMisses.push({ rule: verdict.rule.name, where, reason: verdict.reason, detail, failed: verdict.failed });
  }
  return result;
}

function describeClause(f: FailedClause): string {
  const condition = `${f.clause}: ${JSON.stringify(f.condition)}`;
  return f.clause.startsWith('$')
    ? `when ${condition} did not hold`
    : `when ${condition} failed; the event has ${f.actual === undefined ? 'no value there' : JSON.stringify(f.actual)}`;
}

/** The human-readable report. */
export function formatDryRun(result: DryRunResult): string {
  const lines = [`event ${result.event.type} (id ${result.event.id}, from ${result.event.connector})`, ''];
  for (const m of result.matched) {
    lines.push(`✔ ${m.rule}  ${m.where}`);
    for (const job of m.jobs) {
      lines.push(`    ${job.action} → job ${job.id}`);
      lines.push(
        ...JSON.stringify(job.params, null, 2)
          .split('\n')
          .map((l) => `      ${l}`),
      );
    }
    for (const e of m.errors) lines.push(`    ✘ ${e.action} #${e.index} could not be rendered: ${e.error}`);
  }
  for (const n of result.nearMisses) lines.push(`✘ ${n.rule}  ${n.where}  (near miss)`, `    ${n.detail}`);
  if (result.matched.length > 0 || result.nearMisses.length > 0) lines.push('');
  const jobs = result.matched.reduce((n, m) => n + m.jobs.length, 0);
  lines.push(
    `${result.matched.length} rule(s) matched, ${jobs} action(s) would be queued, ${result.nearMisses.length} near miss(es), ${result.rules} rule(s) loaded. Nothing was sent.`,
  );
  return `${lines.join('\n')}\n`;
}
