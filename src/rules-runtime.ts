import type { Logger } from 'pino';

import type { BusHistory, BusStreams } from './bus/event-bus.ts';
import type { HubEnv } from './config/env.ts';
import type { HubConfig } from './config/load-config.ts';
import { ConfigError } from './errors.ts';
import { formatDiagnostic } from './rules/diagnostics.ts';
import { loadRuleSet } from './rules/load-rule-set.ts';
import type { LoadResult, Rule, RuleSet, RulesContext } from './rules/rule.ts';
import { createRuleSet } from './rules/rule-set.ts';
import { createRuleRouter, type RuleRouterOptions } from './rules/rule-router.ts';
import { createRulesWatcher } from './rules/rules-watcher.ts';
import { createRuleSetMerger } from './subscriptions/compile/merge-rule-set.ts';
import type { SubscriptionsRuntime } from './subscriptions/subscriptions-runtime.ts';
import type { ActionRegistry } from './actions/registry.ts';
import { deliveryNetworkPolicy } from './actions/runtime/ssrf/network-policy.ts';

type SubscriptionRules = Awaited<ReturnType<SubscriptionsRuntime['startRules']>>;

export interface RunningRules {
  getRuleSet: () => RuleSet;
  /** Why the running rules differ from the files (for /readyz), if they do. */
  degraded: () => string | undefined;
  stop(): Promise<void>;
}

/** What rules are validated against: the action types, channels and connectors this hub has. */
export function rulesContext(config: HubConfig, registry: ActionRegistry, vars: HubEnv['vars'] = {}): RulesContext {
  const connectorTypes: Record<string, string> = {};
  for (const [name, block] of Object.entries(config.connectors)) {
    // Connectors such as standard-webhooks and generic name their provider; their events use that prefix.
    connectorTypes[name] = typeof block.provider === 'string' ? block.provider : block.type;
  }
  const network = deliveryNetworkPolicy(config.delivery);
  return { registry, channels: Object.keys(config.channels), connectors: Object.keys(config.connectors), connectorTypes, vars, network };
}

export interface RulesDeps {
  /** Every action type: the hub's own rules (subscriptions, rules checks) use them all, and the router plans jobs with it. */
  registry: ActionRegistry;
  /** The action types rule files may name (docs/actions.md). */
  fileActions: ActionRegistry;
  bus: BusStreams & BusHistory;
  logger: Logger;
  now: () => Date;
  vars?: HubEnv['vars'];
  /** A hot reload failed (the last good rules keep running): `file:line:col: message` per error. */
  onReloadFailed?: (errors: string[], dir: string) => void;
  /** Chat subscriptions: their rules are merged with the files' (a file rule wins on a name clash). */
  subscriptions?: Pick<SubscriptionsRuntime, 'startRules' | 'gate'>;
  /** Rules the hub makes from its config (GitHub rules checks); a file rule of the same name wins. */
  builtinRules?: (context: RulesContext) => readonly Rule[];
  /** Counts rule matches; the router role only. */
  metrics?: RuleRouterOptions['metrics'];
  /** Consumer failures, progress and stalls (readiness). */
  health?: RuleRouterOptions['health'];
  /** Route events into jobs (the router role). Default true; false only loads and watches the rules (API, dry runs). */
  route?: boolean;
}

/**
 * Loads the rules (refusing to start on errors, like a config error), routes events into jobs,
 * and hot-reloads the folder: a broken edit keeps the last good rules and marks /readyz degraded.
 */
export async function startRules(config: HubConfig, deps: RulesDeps): Promise<RunningRules> {
  const { registry, logger } = deps;
  const context = rulesContext(config, registry, deps.vars);
  const builtin = deps.builtinRules?.(context) ?? [];
  const fileContext = { ...context, registry: deps.fileActions };
  const load = async () => withBuiltins(await loadRuleSet(config.rulesDir, fileContext), builtin);
  let ruleSet = validInitialRules(await load(), logger);
  const watcher = createRulesWatcher({
    dir: config.rulesDir,
    load,
    onChange: (next) => {
      ruleSet = next;
    },
    ...(deps.onReloadFailed
      ? {
          onError: (diagnostics) =>
            deps.onReloadFailed?.(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), config.rulesDir),
        }
      : {}),
    logger,
  });
  const subscriptionRules = deps.subscriptions ? await deps.subscriptions.startRules(context) : undefined;
  const getRuleSet = subscriptionRules ? createRuleSetMerger(() => ruleSet, subscriptionRules) : () => ruleSet;
  const router = deps.route === false ? undefined : routerFor(deps, getRuleSet, subscriptionRules);
  router?.start();
  logger.info(
    { rules: ruleSet.rules.length, dir: config.rulesDir, subscriptionRules: subscriptionRules?.rules().length ?? 0 },
    'rules loaded',
  );
  return {
    getRuleSet,
    degraded: () => watcher.degraded,
    async stop() {
      watcher.close();
      await router?.stop();
    },
  };
}

/** The rules loaded at start, with their warnings logged; errors refuse the start, like a config error. */
function validInitialRules(initial: LoadResult, logger: Logger): RuleSet {
  for (const d of initial.diagnostics.filter((x) => x.severity === 'warning')) logger.warn(formatDiagnostic(d));
  if (!initial.ok) {
    const errors = initial.diagnostics.filter((d) => d.severity !== 'warning').map(formatDiagnostic);
    throw new ConfigError(`invalid rules (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n  ${errors.join('\n  ')}`);
  }
  return initial.ruleSet;
}

/** The rule router (the router role), waiting for the subscriptions' rules when there are any. */
function routerFor(deps: RulesDeps, getRuleSet: () => RuleSet, subscriptionRules: SubscriptionRules | undefined) {
  return createRuleRouter({
    bus: deps.bus,
    getRuleSet,
    registry: deps.registry,
    logger: deps.logger,
    now: deps.now,
    ...(deps.subscriptions ? { noise: deps.subscriptions.gate } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.health ? { health: deps.health } : {}),
    ...(subscriptionRules ? { ready: subscriptionRules.loaded() } : {}),
  });
}

function withBuiltins(result: LoadResult, builtin: readonly Rule[]): LoadResult {
  if (builtin.length === 0) return result;
  const names = new Set(result.ruleSet.rules.map((r) => r.name));
  const extra = builtin.filter((r) => !names.has(r.name));
  return { ...result, ruleSet: createRuleSet([...result.ruleSet.rules, ...extra], result.ruleSet.files) };
}
