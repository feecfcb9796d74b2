import { existsSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import type { EventBus } from '../bus/event-bus.ts';
import { recentEvents } from '../operations/recent-events.ts';
import { diffRuleSets, type RulesDiff } from '../operations/rules-diff.ts';
import { diffSummaryLine, formatDiffText } from '../operations/rules-diff-format.ts';
import { compileRuleSources } from '../rules/compile-rule-sources.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { loadRuleSet } from '../rules/load-rule-set.ts';
import type { LoadResult } from '../rules/rule.ts';
import { parseSince, withBus } from './dlq-command.ts';
import { gitRuleSources } from './git-rule-sources.ts';
import { rulesContextOf, type RulesCommandContext } from './rules-command.ts';

export interface RulesDiffDeps {
  loadContext: (options: { config?: string }) => Promise<RulesCommandContext>;
  openBus: (options: { config?: string }) => Promise<EventBus>;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  fail: (code: number) => void;
  now: () => Date;
}

interface DiffOptions {
  config?: string;
  rules?: string;
  base?: string;
  baseDir?: string;
  last: string;
  since?: string;
  json?: boolean;
}

/** Exit codes CI can gate on. */
export const DIFF_EXIT = { same: 0, changed: 1, invalid: 2 } as const;

/** `hookhub rules diff`: the effect of a rule change on stored events. */
export function registerRulesDiff(rules: Command, deps: RulesDiffDeps): void {
  rules
    .command('diff')
    .description(
      'the effect of a rule change on stored events: what now matches, what no longer does, what renders differently; sends nothing (exit 0 no change, 1 changes, 2 invalid rules or no --base-dir folder)',
    )
    .option('--base <ref>', 'compare against the rules folder at this git ref', 'HEAD')
    .option('--base-dir <folder>', 'compare against the rules in this folder instead of a git ref')
    .option('-r, --rules <dir>', 'the changed rules (default: the rules folder from hookhub.yaml, as it is on disk)')
    .option('--last <n>', 'try the newest N stored events', '1000')
    .option('--since <when>', 'only events stored since a time (ISO 8601) or for a duration (7d)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'machine-readable output')
    .action(async (opts: DiffOptions) => {
      const last = Number(opts.last);
      if (!Number.isInteger(last) || last < 1) throw new Error('--last must be a positive integer');
      const since = parseSince(opts.since, deps.now);
      if (opts.baseDir !== undefined && baseDirMissing(opts.baseDir, deps)) return;
      const ctx = await deps.loadContext(opts.config === undefined ? {} : { config: opts.config });
      const context = rulesContextOf(ctx);
      const headDir = opts.rules ?? ctx.rulesDir;
      const head = await loadRuleSet(headDir, context);
      const baseLabel = opts.baseDir ? shown(opts.baseDir) : `${opts.base ?? 'HEAD'}:${shown(headDir)}`;
      const base = opts.baseDir
        ? await loadRuleSet(opts.baseDir, context)
        : compileRuleSources(await gitRuleSources(headDir, opts.base ?? 'HEAD'), context);
      if (!checkSides(head, base, deps)) return;
      await withBus(deps, opts, async (bus) => {
        const diff = await diffRuleSets(base.ruleSet, head.ruleSet, recentEvents(bus, { last, ...(since ? { since } : {}) }), {
          registry: ctx.registry,
          now: deps.now(),
        });
        const labels = { base: baseLabel, head: shown(headDir) };
        deps.out.write(
          opts.json
            ? `${JSON.stringify({ ...labels, summary: diffSummaryLine(diff), ...diff }, null, 2)}\n`
            : formatDiffText(withShownPlaces(diff), labels),
        );
        deps.fail(diff.rules.length > 0 ? DIFF_EXIT.changed : DIFF_EXIT.same);
      });
    });
}

/** A usage error (exit 2): a mistyped base would compare against no rules and report every rule as added. */
function baseDirMissing(baseDir: string, deps: RulesDiffDeps): boolean {
  if (existsSync(baseDir)) return false;
  deps.err.write(
    `rules diff: the --base-dir folder ${baseDir} does not exist; give the folder that holds the rules to compare against, or --base <git ref> (exit 2)\n`,
  );
  deps.fail(DIFF_EXIT.invalid);
  return true;
}

/** Prints problems; false (exit 2) when the changed rules are invalid. A broken base is only a warning. */
function checkSides(head: LoadResult, base: LoadResult, deps: RulesDiffDeps): boolean {
  for (const d of head.diagnostics) deps.err.write(`${formatDiagnostic(d)}\n`);
  const baseErrors = base.diagnostics.filter((d) => d.severity === 'error');
  const first = baseErrors[0];
  if (first)
    deps.err.write(
      `warning: the base rules have ${baseErrors.length} error(s) (first: ${formatDiagnostic(first)}); comparing against the base rules that compile\n`,
    );
  if (head.ok) return true;
  deps.err.write('rules diff: the changed rules are invalid; fix the errors above (exit 2)\n');
  deps.fail(DIFF_EXIT.invalid);
  return false;
}

/** Paths as the user would type them: relative to the working folder. */
function shown(path: string): string {
  return relative(process.cwd(), path) || '.';
}

/** Each rule's file:line:col as the header shows its folder, so the report reads as the docs show it. */
function withShownPlaces(diff: RulesDiff): RulesDiff {
  return { ...diff, rules: diff.rules.map((r) => (isAbsolute(r.where) ? { ...r, where: shown(r.where) } : r)) };
}
