import { truncate } from '../shared/truncate.ts';
import { redactParams } from './redact.ts';
import type { DiffSample, RenderedJob, RuleDiff, RulesDiff } from './rules-diff.ts';

/** `2 rules changed effect on 1000 events: +5 matches, −12 matches, 3 renders changed`. */
export function diffSummaryLine(diff: RulesDiff): string {
  const sum = (key: keyof RuleDiff['counts']) => diff.rules.reduce((n, r) => n + r.counts[key], 0);
  const scope = `${diff.tried} stored event${diff.tried === 1 ? '' : 's'}${diff.stoppedEarly ? ' (time budget reached)' : ''}`;
  if (diff.rules.length === 0) return `no change in effect on ${scope}`;
  const parts = [`${sum('nowMatch')} new match(es)`, `${sum('noLongerMatch')} lost match(es)`, `${sum('renderChanged')} changed render(s)`];
  return `${diff.rules.length} rule(s) changed on ${scope}: ${parts.join(', ')}`;
}

const MARK: Record<RuleDiff['change'], string> = { added: '+', removed: '-', changed: '~' };

/** The terminal report: per rule, the counts and a few sample events with the near-miss reason. */
export function formatDiffText(diff: RulesDiff, labels: { base: string; head: string }): string {
  const lines = [`rules diff: ${labels.base} → ${labels.head}${range(diff)}`, ''];
  for (const rule of diff.rules) {
    const { nowMatch, noLongerMatch, renderChanged } = rule.counts;
    lines.push(`${MARK[rule.change]} ${rule.rule}  ${rule.where}${rule.change === 'changed' ? '' : `  (${rule.change})`}`);
    lines.push(`    ${nowMatch} new match(es) · ${noLongerMatch} lost match(es) · ${renderChanged} changed render(s)`);
    for (const s of rule.nowMatch) lines.push(`    + ${sampleLine(s)}`, ...reasonLines(s, 'did not match: '));
    for (const s of rule.noLongerMatch) lines.push(`    - ${sampleLine(s)}`, ...reasonLines(s, 'now: '));
    for (const s of rule.renderChanged) lines.push(`    ~ ${sampleLine(s)}`, ...renderLines(s));
    lines.push('');
  }
  lines.push(diffSummaryLine(diff), '');
  return lines.join('\n');
}

/** The check run's summary: one Markdown table per changed rule, like the CLI output. */
export function formatDiffMarkdown(diff: RulesDiff, labels: { base: string; head: string }): string {
  const out = [`**${escapeCell(diffSummaryLine(diff))}** (${escapeCell(labels.base)} → ${escapeCell(labels.head)}${range(diff)})`, ''];
  for (const rule of diff.rules) {
    const { nowMatch, noLongerMatch, renderChanged } = rule.counts;
    out.push(
      `### \`${rule.rule}\` ${rule.change === 'changed' ? '' : `(${rule.change}) `}— +${nowMatch} / -${noLongerMatch} / ~${renderChanged}`,
      '',
    );
    out.push('| | event | type | subject | why |', '|---|---|---|---|---|');
    const row = (mark: string, s: DiffSample, why: string) =>
      out.push(
        `| ${mark} | \`${escapeCell(s.event.id)}\` | ${escapeCell(s.event.type)} | ${escapeCell(s.event.subject ?? '')} | ${escapeCell(why)} |`,
      );
    for (const s of rule.nowMatch) row('+', s, s.reason ? `did not match: ${s.reason}` : 'new rule');
    for (const s of rule.noLongerMatch) row('-', s, s.reason ? `now: ${s.reason}` : 'rule removed');
    for (const s of rule.renderChanged) row('~', s, `rendered params changed: ${firstChange(s)}`);
    if (nowMatch + noLongerMatch + renderChanged === 0) out.push('| | | | | no stored event shows a difference |');
    out.push('');
  }
  return out.join('\n');
}

function range(diff: RulesDiff): string {
  return diff.oldest && diff.newest ? `, events ${diff.oldest} … ${diff.newest}` : '';
}

function sampleLine(s: DiffSample): string {
  return [s.event.id, s.event.type, s.event.subject].filter(Boolean).join('  ');
}

function reasonLines(s: DiffSample, prefix: string): string[] {
  return s.reason ? [`        ${prefix}${s.reason}`] : [];
}

function renderLines(s: DiffSample): string[] {
  return [`        before: ${JSON.stringify(s.before)}`, `        after:  ${JSON.stringify(s.after)}`];
}

/**
 * The first param whose rendering differs, as `text: "a" → "b"`, shown as viewers see it: the summary is
 * posted to a pull request, and a rendered `${VAR}` (a signing secret, a webhook URL's token) must not be.
 */
function firstChange(s: DiffSample): string {
  const before = s.before ?? [];
  const after = s.after ?? [];
  for (let i = 0; i < Math.max(before.length, after.length); i += 1) {
    const a = before[i]?.params ?? {};
    const b = after[i]?.params ?? {};
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return `${key}: ${shown(before[i], key)} → ${shown(after[i], key)}`;
    }
  }
  return 'actions or render errors differ';
}

function shown(job: RenderedJob | undefined, key: string): string {
  const params = job ? (redactParams(job.action, job.params) as Record<string, unknown>) : {};
  return clip(JSON.stringify(params[key]));
}

function clip(text: string | undefined): string {
  return truncate(text ?? 'absent', 60);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
