import type { StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { formatPos } from '../rules/diagnostics.ts';
import { dryRun, type DryRunResult } from '../rules/dry-run.ts';
import type { Rule, RuleSet } from '../rules/rule.ts';
import { summaryOf, type EventSummary } from './event-summary.ts';
import type { ActionRegistry } from '../actions/registry.ts';

/** One event in a sample, with why the rule did not match on the side where it didn't. */
export interface DiffSample {
  event: Pick<EventSummary, 'id' | 'type' | 'subject' | 'received'>;
  /** `rules test`'s near-miss explanation on the side without the match (absent when the rule was added/removed). */
  reason?: string;
  /** For changed renders: the rendered jobs before and after. */
  before?: RenderedJob[];
  after?: RenderedJob[];
}

export interface RenderedJob {
  action: string;
  params: Record<string, unknown>;
}

export interface RuleDiff {
  rule: string;
  /** Where the rule is defined (head, or base for a removed rule). */
  where: string;
  change: 'added' | 'removed' | 'changed';
  counts: { nowMatch: number; noLongerMatch: number; renderChanged: number };
  nowMatch: DiffSample[];
  noLongerMatch: DiffSample[];
  renderChanged: DiffSample[];
}

export interface RulesDiff {
  /** Events both rule sets were tried on. */
  tried: number;
  /** Set when the time budget ran out before every requested event was tried. */
  stoppedEarly?: boolean;
  oldest?: string;
  newest?: string;
  /** Only rules whose effect changed, plus added and removed rules. */
  rules: RuleDiff[];
  /** Rule names present in both sets whose effect did not change on these events. */
  unchanged: number;
}

export interface DiffOptions {
  registry: ActionRegistry;
  /** One fixed time for both sides, so `{{@now}}` renders alike. */
  now: Date;
  /** Samples kept per list. Default 5. */
  samples?: number;
  /** Wall-clock budget; matching is CPU work. Default 10 s. */
  budgetMs?: number;
}

/** The effect of replacing `base` by `head` on stored events: what now matches, what no longer does, what renders differently. Sends nothing. */
export async function diffRuleSets(
  base: RuleSet,
  head: RuleSet,
  events: AsyncIterable<StoredMessage<HubEvent>>,
  options: DiffOptions,
): Promise<RulesDiff> {
  const acc = createAccumulator(base, head, options.samples ?? 5);
  const deadline = performance.now() + (options.budgetMs ?? 10_000);
  const run = { registry: options.registry, now: () => options.now };
  const result: RulesDiff = { tried: 0, rules: [], unchanged: 0 };
  for await (const message of events) {
    if (performance.now() > deadline) {
      result.stoppedEarly = true;
      break;
    }
    result.tried += 1;
    result.oldest = message.time;
    result.newest ??= message.time;
    acc.add(message, dryRun(base, message.payload, run), dryRun(head, message.payload, run));
  }
  result.rules = acc.changedRules();
  result.unchanged = acc.unchangedCount();
  return result;
}

type Matched = DryRunResult['matched'][number];

/** The rules of both sides by name, and the diff of each rule seen to change, made when first asked for. */
function ruleDiffs(base: RuleSet, head: RuleSet) {
  const baseNames = new Map(base.rules.map((r) => [r.name, r]));
  const headNames = new Map(head.rules.map((r) => [r.name, r]));
  const diffs = new Map<string, RuleDiff>();
  const diffOf = (name: string, where: string): RuleDiff => {
    let diff = diffs.get(name);
    if (!diff) {
      const change = !baseNames.has(name) ? 'added' : !headNames.has(name) ? 'removed' : 'changed';
      diff = {
        rule: name,
        where,
        change,
        counts: { nowMatch: 0, noLongerMatch: 0, renderChanged: 0 },
        nowMatch: [],
        noLongerMatch: [],
        renderChanged: [],
      };
      diffs.set(name, diff);
    }
    return diff;
  };
  return { baseNames, headNames, diffs, diffOf };
}

function createAccumulator(base: RuleSet, head: RuleSet, samples: number) {
  const { baseNames, headNames, diffs, diffOf } = ruleDiffs(base, head);
  const keep = (list: DiffSample[], sample: () => DiffSample) => {
    if (list.length < samples) list.push(sample());
  };
  return {
    add(message: StoredMessage<HubEvent>, before: DryRunResult, after: DryRunResult) {
      const event = pickSummary(message);
      const was = new Map(before.matched.map((m) => [m.rule, m]));
      const now = new Map(after.matched.map((m) => [m.rule, m]));
      for (const [name, m] of now) {
        const old = was.get(name);
        if (!old) {
          const diff = diffOf(name, m.where);
          diff.counts.nowMatch += 1;
          keep(diff.nowMatch, () => ({ event, ...reasonIn(before, baseNames.get(name), event.type) }));
        } else if (renderKey(old) !== renderKey(m)) {
          const diff = diffOf(name, m.where);
          diff.counts.renderChanged += 1;
          keep(diff.renderChanged, () => ({ event, before: jobsOf(old), after: jobsOf(m) }));
        }
      }
      for (const [name, m] of was) {
        if (now.has(name)) continue;
        const diff = diffOf(name, headNames.has(name) ? (after.nearMisses.find((n) => n.rule === name)?.where ?? m.where) : m.where);
        diff.counts.noLongerMatch += 1;
        keep(diff.noLongerMatch, () => ({ event, ...reasonIn(after, headNames.get(name), event.type) }));
      }
    },
    changedRules(): RuleDiff[] {
      // Added and removed rules are a change even when no stored event shows it.
      for (const [name, rule] of headNames) if (!baseNames.has(name)) diffOf(name, formatPos(rule.where));
      for (const [name, rule] of baseNames) if (!headNames.has(name)) diffOf(name, formatPos(rule.where));
      return [...diffs.values()].sort((a, b) => a.rule.localeCompare(b.rule));
    },
    unchangedCount(): number {
      return [...headNames.keys()].filter((name) => baseNames.has(name) && !diffs.has(name)).length;
    },
  };
}

function pickSummary(message: StoredMessage<HubEvent>): DiffSample['event'] {
  const { id, type, subject, received } = summaryOf(message);
  return { id, type, received, ...(subject !== undefined ? { subject } : {}) };
}

/** Why a rule did not match on one side: `rules test`'s near-miss detail, or its `on:` globs; nothing when the rule is not there. */
function reasonIn(run: DryRunResult, rule: Rule | undefined, type: string): { reason?: string } {
  if (!rule) return {};
  const miss = run.nearMisses.find((n) => n.rule === rule.name);
  if (miss) return { reason: miss.detail };
  return { reason: `on: ${rule.on.join(', ')} does not match ${type}` };
}

function jobsOf(m: Matched): RenderedJob[] {
  return m.jobs.map((j) => ({ action: j.action, params: j.params }));
}

/** What a match does: its rendered jobs and render errors, without job ids (they hold the rule name, not the effect). */
function renderKey(m: Matched): string {
  return JSON.stringify({ jobs: jobsOf(m), errors: m.errors.map((e) => [e.index, e.action, e.error]) });
}
