import type { BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { compileRuleSources } from '../rules/compile-rule-sources.ts';
import type { Diagnostic } from '../rules/diagnostics.ts';
import { dryRun } from '../rules/dry-run.ts';
import type { RuleSet, RulesContext } from '../rules/rule.ts';
import { summaryOf, type EventSummary } from './list-events.ts';
import { findHeadSeq, readWindowBefore } from './stream-head.ts';

export interface BacktestHit {
  event: Omit<EventSummary, 'status'>;
  rules: { rule: string; jobs: { action: string; params: Record<string, unknown> }[]; errors: string[] }[];
}

export interface BacktestNearMiss {
  event: Omit<EventSummary, 'status'>;
  rule: string;
  detail: string;
}

export interface BacktestResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  rules: string[];
  /** Events tried, newest first. */
  tried: number;
  /** Set when the time budget ran out before `last` events were tried. */
  stoppedEarly?: boolean;
  hits: BacktestHit[];
  /** Events whose type matched but `from`/`when` did not hold: the "why not" view (first 50). */
  nearMisses: BacktestNearMiss[];
}

export const MAX_BACKTEST = 5000;
/** Past this the backtest answers with what it tried (stoppedEarly), inside the worker's hard limit. */
const TIME_BUDGET_MS = 2_000;
const BACKTEST_FILE = '<backtest>';

/** The most recent `last` events, newest first: the backtest's input, read from the bus. */
export async function loadRecentEvents(bus: Pick<BusStreams, 'query'>, last = 200): Promise<StoredMessage<HubEvent>[]> {
  const wanted = Math.min(Math.max(1, last), MAX_BACKTEST);
  const events: StoredMessage<HubEvent>[] = [];
  let before = (await findHeadSeq(bus, 'events')) + 1;
  while (before > 1 && events.length < wanted) {
    const scan = await readWindowBefore<HubEvent>(bus, 'events', before, Math.min(2000, wanted * 2));
    events.push(...scan.messages.slice(0, wanted - events.length));
    before = scan.nextBefore;
  }
  return events;
}

/**
 * "Would this rule have fired?": compiles the text and dry-runs it against the given events, newest
 * first. Sends nothing. Pure CPU work: the API runs it in a worker thread (src/api/rules-off-loop.ts).
 */
export function backtestEvents(
  context: RulesContext,
  yaml: string,
  events: readonly StoredMessage<HubEvent>[],
  now: () => Date,
): BacktestResult {
  const compiled = compileRuleSources([{ file: BACKTEST_FILE, text: yaml }], context);
  const result: BacktestResult = {
    ok: compiled.ok,
    diagnostics: compiled.diagnostics,
    rules: compiled.ruleSet.rules.map((r) => r.name),
    tried: 0,
    hits: [],
    nearMisses: [],
  };
  if (!result.ok || compiled.ruleSet.rules.length === 0) return result;
  const deadline = performance.now() + TIME_BUDGET_MS;
  for (const message of events) {
    if (performance.now() > deadline) {
      result.stoppedEarly = true;
      break;
    }
    result.tried += 1;
    tryEvent(compiled.ruleSet, message, context, now, result);
  }
  return result;
}

function tryEvent(
  ruleSet: RuleSet,
  message: StoredMessage<HubEvent>,
  context: RulesContext,
  now: () => Date,
  result: BacktestResult,
): void {
  const report = dryRun(ruleSet, message.payload, { registry: context.registry, now });
  const event = summaryOf(message);
  if (report.matched.length > 0) {
    const rules = report.matched.map((m) => ({
      rule: m.rule,
      jobs: m.jobs.map((j) => ({ action: j.action, params: j.params })),
      errors: m.errors.map((e) => e.error),
    }));
    result.hits.push({ event, rules });
  }
  for (const miss of report.nearMisses)
    if (result.nearMisses.length < 50) result.nearMisses.push({ event, rule: miss.rule, detail: miss.detail });
}
