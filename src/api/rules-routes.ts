import { backtestRules, MAX_BACKTEST } from '../operations/backtest-rules.ts';
import { redactFields } from '../operations/redact.ts';
import { compileRuleSources } from '../rules/compile-rule-sources.ts';
import type { RulesContext } from '../rules/rule.ts';
import { ruleListJson } from '../rules/rule-list.ts';
import { rulesContext } from '../rules-runtime.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { ApiError, readJsonBody, sendJson } from './http-kit.ts';

/** A pasted rule file is a few KB; this bounds what one viewer request can make the hub parse. */
const PASTED_RULES_LIMIT = 64 * 1024;

/** /api/rules: the rules in force, validation of a pasted file, and the backtest against recent events. */
export function ruleRoutes(ctx: ApiContext): Route[] {
  // The hub's own context (actions, channels, connectors), but never its environment: a pasted rule
  // with ${VAR} must not turn the backtest into a way for a viewer to read the hub's secrets.
  const context = (): RulesContext => rulesContext(ctx.config, ctx.registry);
  const yamlOf = (body: Record<string, unknown>): string => {
    if (typeof body.yaml !== 'string' || body.yaml.trim() === '') throw new ApiError(400, 'send {"yaml": "rules:\\n  - name: …"}');
    return body.yaml;
  };
  return [
    {
      method: 'GET',
      path: '/api/rules',
      access: 'viewer',
      handle({ res }) {
        const ruleSet = ctx.getRuleSet();
        const problem = ctx.rulesProblem?.();
        sendJson(res, 200, { rules: ruleListJson(ruleSet), files: ruleSet.files, ...(problem ? { problem } : {}) });
      },
    },
    {
      method: 'POST',
      path: '/api/rules/validate',
      access: 'viewer',
      async handle({ req, res }) {
        const result = compileRuleSources([{ file: '<input>', text: yamlOf(await readJsonBody(req, PASTED_RULES_LIMIT)) }], context());
        sendJson(res, 200, { ok: result.ok, diagnostics: result.diagnostics, rules: ruleListJson(result.ruleSet) });
      },
    },
    {
      method: 'POST',
      path: '/api/rules/backtest',
      access: 'viewer',
      async handle({ req, res }) {
        const body = await readJsonBody(req, PASTED_RULES_LIMIT);
        const last = body.last === undefined ? undefined : Number(body.last);
        if (last !== undefined && (!Number.isInteger(last) || last < 1))
          throw new ApiError(400, `last must be an integer from 1 to ${MAX_BACKTEST}`);
        const result = await backtestRules(ctx.bus, context(), { yaml: yamlOf(body), ...(last ? { last } : {}) }, ctx.now);
        sendJson(res, 200, redactFields(result));
      },
    },
  ];
}
