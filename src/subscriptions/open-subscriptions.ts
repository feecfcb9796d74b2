import { existsSync } from 'node:fs';
import { actions } from '../actions/index.ts';
import { createBus } from '../bus/create-bus.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { configPathOption } from '../cli/config-path.ts';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { createNoiseGate } from '../noise/noise-gate.ts';
import type { Rule, RulesContext } from '../rules/rule.ts';
import { rulesContext } from '../rules-runtime.ts';
import { pino } from 'pino';
import { SubscriptionsConfigSchema, type SubscriptionsConfig } from './settings.ts';
import { createSubscriptionStore } from './subscription-store.ts';
import { compileSubscriptions } from './compile/subscription-rules.ts';
import { subscriptionActions } from './subscriptions-runtime.ts';
import { sourceConnectors } from './scope/source-connectors.ts';
import type { SubscriptionScope } from './scope/subscription-scope.ts';

export interface OpenedSubscriptions {
  bus: EventBus;
  context: RulesContext;
  settings: SubscriptionsConfig;
  scope: SubscriptionScope;
}

/** For CLI commands: hookhub.yaml, its bus, and the rules context the hub would compile subscriptions with. */
export async function openSubscriptions(options: { config?: string } = {}): Promise<OpenedSubscriptions | undefined> {
  const env = readEnv();
  const config = await loadConfig(configPathOption(options.config, env), env);
  // A listing must not create an empty data file on a machine where the hub never ran.
  if (config.bus.type === 'embedded' && !existsSync(config.bus.path)) return undefined;
  const bus = await createBus(config.bus);
  const settings = SubscriptionsConfigSchema.parse(config.subscriptions ?? {});
  const store = createSubscriptionStore(bus);
  const gate = createNoiseGate({ bus, now: () => new Date() });
  const scope: SubscriptionScope = { sources: sourceConnectors(config.connectors), teams: settings.teams };
  const registry = { ...actions, ...subscriptionActions({ bus, store, gate, settings, scope }) };
  return { bus, context: rulesContext(config, registry, env.vars), settings, scope };
}

/** The subscription rules as `hookhub rules list` shows them (origin: platform, channel, who, when). */
export async function loadSubscriptionRulesForCli(options: { config?: string }): Promise<readonly Rule[]> {
  const opened = await openSubscriptions(options);
  if (!opened) return [];
  try {
    const subs = await createSubscriptionStore(opened.bus).list();
    const { context, settings, scope } = opened;
    return compileSubscriptions(subs, { context, settings, scope, logger: pino({ level: 'silent' }) });
  } finally {
    await opened.bus.close();
  }
}
