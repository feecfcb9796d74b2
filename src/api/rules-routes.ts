import { loadRecentEvents, MAX_BACKTEST } from '../operations/backtest-rules.ts';
import { redactFields } from '../operations/redact.ts';
import type { PlainRulesContext } from '../operations/rules-task.ts';
import { ruleListJson } from '../rules/rule-list.ts';
import { rulesContext } from '../rules-runtime.ts';
import type { ApiContext } from './api-deps.ts';
import type { Route } from './api-router.ts';
import { ApiError, readJsonBody } from './http-kit.ts';
import { createRulesRunner } from './rules-off-loop.ts';
import { sendJson } from '../http/inbound.ts';

/** A pasted rule file is a few KB; this bounds what one viewer request can make the hub parse. */
const PASTED_RULES_LIMIT = 64 * 1024;

/** /api/rules: the rules in force, validation of a pasted file, and the backtest against recent events. */
export function ruleRoutes(ctx: ApiContext): Route[] {
  const context = () => plainRulesContext(ctx);
  // Parsing and matching run in a worker thread with a hard time limit: never on the hub's event loop.
  const runRules = createRulesRunner({ ...(ctx.rulesTimeLimitMs !== undefined ? { limitMs: ctx.rulesTimeLimitMs } : {}) });
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
        const yaml = yamlOf(await readJsonBody(req, PASTED_RULES_LIMIT));
        sendJson(res, 200, await runRules({ kind: 'validate', yaml, context: context() }));
      },
    },
    {
      method: 'POST',
      path: '/api/rules/backtest',
      access: 'viewer',
      async handle({ req, res }) {
        const body = await readJsonBody(req, PASTED_RULES_LIMIT);
        const last = lastOf(body);
        const yaml = yamlOf(body);
        const result = await runRules(async () => {
          const { events, sizeLimited } = await loadRecentEvents(ctx.bus, last);
          return { kind: 'backtest', yaml, context: context(), events, sizeLimited, now: ctx.now().toISOString() };
        });
        sendJson(res, 200, redactFields(result));
      },
    },
  ];
}

/**
 * The hub's own context (actions, channels, connectors), but never its environment: a pasted rule
 * with ${VAR} must not turn the backtest into a way for a viewer to read the hub's secrets.
 */
function plainRulesContext(ctx: ApiContext): PlainRulesContext {
  const { registry: _code, ...plain } = rulesContext(ctx.config, ctx.registry);
  return plain;
}

/** Read with Number(), `true` was 1 and 1e9 was silently 5000: the backtest answered for another N than asked. */
function lastOf(body: Record<string, unknown>): number | undefined {
  const { last } = body;
  if (last === undefined) return undefined;
  if (typeof last !== 'number' || !Number.isInteger(last) || last < 1 || last > MAX_BACKTEST)
    throw new ApiError(400, `last must be a whole number from 1 to ${MAX_BACKTEST} (a JSON number)`);
  return last;
}

function yamlOf(body: Record<string, unknown>): string {
  if (typeof body.yaml !== 'string' || body.yaml.trim() === '') throw new ApiError(400, 'send {"yaml": "rules:\\n  - name: …"}');
  return body.yaml;
}
