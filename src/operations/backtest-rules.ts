import type { BusStreams, StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { compileRuleSources } from '../rules/compile-rule-sources.ts';
import type { Diagnostic } from '../rules/diagnostics.ts';
import { dryRun } from '../rules/dry-run.ts';
import type { RuleSet, RulesContext } from '../rules/rule.ts';
import { summaryOf, type EventSummary } from './event-summary.ts';
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
  /** Set when fewer than `last` events were read, to stay within BACKTEST_READ_LIMIT. */
  sizeLimited?: boolean;
  hits: BacktestHit[];
  /** Events whose type matched but `from`/`when` did not hold: the "why not" view (first 50). */
  nearMisses: BacktestNearMiss[];
}

export const MAX_BACKTEST = 5000;
/** Past this the backtest answers with what it tried (stoppedEarly), inside the worker's hard limit. */
const TIME_BUDGET_MS = 2_000;
const BACKTEST_FILE = '<backtest>';

/**
 * The most a backtest reads, in characters of event JSON. Large payloads (a 100 KB push) made 5,000
 * of them half a gigabyte: seconds of reading on the hub's event loop, gigabytes of memory, and a
 * worker that ran out of heap. Newer events are read first; older ones past this are left out.
 */
export const BACKTEST_READ_LIMIT = 32 * 1024 * 1024;
/** Seq range of the first read: small, since nothing yet says how much an event weighs. */
const FIRST_WINDOW = 50;
/** What one read aims to hold: each read is synchronous on the embedded bus, so it is kept short. */
const READ_STEP = 4 * 1024 * 1024;

export interface RecentEvents {
  /** Each stored event as JSON, newest first: what crosses to the worker thread (sizes measured on the way). */
  events: string[];
  /** Set when older events were left out to stay within the read limit. */
  sizeLimited: boolean;
}

/** The most recent `last` events, newest first, within `limit` characters: the backtest's input, read from the bus. */
export async function loadRecentEvents(
  bus: Pick<BusStreams, 'query' | 'lastSeq'>,
  last = 200,
  limit = BACKTEST_READ_LIMIT,
): Promise<RecentEvents> {
  const wanted = Math.min(Math.max(1, last), MAX_BACKTEST);
  const events: string[] = [];
  let size = 0;
  let before = (await findHeadSeq(bus)) + 1;
  let window = Math.min(FIRST_WINDOW, wanted);
  while (before > 1 && events.length < wanted) {
    const scan = await readWindowBefore<HubEvent>(bus, 'events', before, window);
    for (const message of scan.messages.slice(0, wanted - events.length)) {
      const text = JSON.stringify(message);
      if (size + text.length > limit) return { events, sizeLimited: true };
      size += text.length;
      events.push(text);
    }
    before = scan.nextBefore;
    // The next read holds about a step (or what the limit has left), by the weight of the events so far.
    const average = events.length > 0 ? size / events.length : limit;
    window = Math.max(1, Math.min(2000, wanted - events.length, Math.floor(Math.min(READ_STEP, limit - size) / average)));
    // Let webhooks and other requests in between reads.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { events, sizeLimited: false };
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
