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
import { eventView } from './event-view.ts';

export type PlainRulesContext = Omit<RulesContext, 'registry'>;

export type RulesTask =
  | { kind: 'validate'; yaml: string; context: PlainRulesContext }
  | {
      kind: 'backtest';
      yaml: string;
      context: PlainRulesContext;
      /** Stored events as JSON, newest first (loadRecentEvents), parsed in the worker. */
      events: string[];
      /** Fewer events than asked were read, to stay within the read limit: said in the result. */
      sizeLimited: boolean;
      now: string;
    };

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
  // Rendered over the events as viewers see them: a pasted `{{data.response_url}}` must not print a chat credential.
  const events = task.events.map((text) => {
    const message = JSON.parse(text) as StoredMessage<HubEvent>;
    return { ...message, payload: eventView(message.payload) };
  });
  const result = backtestEvents(context, task.yaml, events, () => now);
  return task.sizeLimited && result.ok ? { ...result, sizeLimited: true } : result;
}
