/**
 * What the API hands to a worker thread (src/api/rules-off-loop.ts): checking a pasted rule file, and the
 * backtest. Everything in a task crosses the thread boundary, so it is plain data; the worker adds
 * the action registry, which is code.
 */
import { actions } from '../actions/index.ts';
import type { StoredMessage } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { compileRuleSources } from '../rules/compile-rule-sources.ts';
import type { Diagnostic } from '../rules/diagnostics.ts';
import type { RulesContext } from '../rules/rule.ts';
import { ruleListJson } from '../rules/rule-list.ts';
import { backtestEvents, type BacktestResult } from './backtest-rules.ts';

export type PlainRulesContext = Omit<RulesContext, 'registry'>;

export type RulesTask =
  | { kind: 'validate'; yaml: string; context: PlainRulesContext }
  | { kind: 'backtest'; yaml: string; context: PlainRulesContext; events: StoredMessage<HubEvent>[]; now: string };

export interface ValidateResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  rules: ReturnType<typeof ruleListJson>;
}

export type RulesTaskResult = ValidateResult | BacktestResult;

export function runRulesTask(task: RulesTask): RulesTaskResult {
  const context: RulesContext = { ...task.context, registry: actions };
  if (task.kind === 'validate') {
    const result = compileRuleSources([{ file: '<input>', text: task.yaml }], context);
    return { ok: result.ok, diagnostics: result.diagnostics, rules: ruleListJson(result.ruleSet) };
  }
  const now = new Date(task.now);
  return backtestEvents(context, task.yaml, task.events, () => now);
}
