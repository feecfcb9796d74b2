import type { Logger } from 'pino';
import type { ConsumerHealth } from '../bus/consumer-health.ts';
import type { Action } from '../actions/action.ts';
import type { BusKv, BusStreams } from '../bus/event-bus.ts';
import { createGroupFlusher, type GroupFlusher } from '../noise/group-flusher.ts';
import { createNoiseGate, type NoiseGate } from '../noise/noise-gate.ts';
import type { RulesContext } from '../rules/rule.ts';
import { CHAT_ACTION, createChatAction } from './chat/chat-action.ts';
import { createSubscriptionCommandAction, SUBSCRIPTION_COMMAND_ACTION } from './commands/command-action.ts';
import { SubscriptionsConfigSchema, type SubscriptionsConfig, type SubscriptionsConfigInput } from './settings.ts';
import { createSubscriptionStore, type SubscriptionStore } from './subscription-store.ts';
import { createSubscriptionRules, type SubscriptionRules } from './compile/subscription-rules.ts';
import { THREADS_BUCKET } from './chat/threads.ts';
import type { SubscriptionsExtension, SubscriptionsExtensionFactory } from './subscriptions-extension.ts';
import type { SourceConnector } from './scope/source-connectors.ts';
import type { SubscriptionScope } from './scope/subscription-scope.ts';

export interface SubscriptionsRuntimeOptions {
  bus: BusStreams & BusKv;
  /** hookhub.yaml `subscriptions:` (parsed or not; absent = defaults). */
  settings?: SubscriptionsConfig | SubscriptionsConfigInput;
  logger: Logger;
  now: () => Date;
  /** How often due noise groups are sent. Default 1 s. */
  flushTickMs?: number;
  /** Another feature's commands, actions and rules (the hub adds review reminders). */
  extension?: SubscriptionsExtensionFactory;
  /** Where the flusher's and the refresh's failures are counted and logged. */
  health?: ConsumerHealth;
  /** hookhub.yaml's connectors: what subscriptions may relay (with `subscriptions.teams`). */
  sources: readonly SourceConnector[];
}

/** Chat subscriptions and noise control for one hub process. */
export interface SubscriptionsRuntime {
  /** `chat` and `subscription-command`: add them to the action registry of the workers and the rules. */
  readonly actions: Readonly<Record<string, Action>>;
  readonly store: SubscriptionStore;
  readonly gate: NoiseGate;
  readonly flusher: GroupFlusher;
  /** Compiles the subscriptions against the hub's rules context and keeps them fresh. Call once. */
  startRules(context: RulesContext): Promise<SubscriptionRules>;
  stop(): Promise<void>;
}

/** The two actions subscriptions add to the registry (also used by the CLI to compile rules). */
export function subscriptionActions(deps: {
  bus: BusStreams & BusKv;
  store: SubscriptionStore;
  gate: NoiseGate;
  settings: SubscriptionsConfig;
  scope: SubscriptionScope;
  onChange?: () => unknown;
  extension?: SubscriptionsExtension;
}): Record<string, Action> {
  const { bus, store, gate, settings, scope, extension } = deps;
  return {
    [CHAT_ACTION]: createChatAction({ store, gate, bus, settings }),
    [SUBSCRIPTION_COMMAND_ACTION]: createSubscriptionCommandAction({
      store,
      mutes: gate.mutes,
      settings,
      scope,
      ...(extension ? { commands: extension.commands } : {}),
      ...(deps.onChange ? { onChange: async () => void (await deps.onChange?.()) } : {}),
    }),
    ...extension?.actions,
  };
}

/**
 * Wiring, in the hub: create this after the bus; merge `actions` into the registry; after the
 * rules context exists, `startRules(context)` and merge its rules with createRuleSetMerger.
 */
export function createSubscriptionsRuntime(options: SubscriptionsRuntimeOptions): SubscriptionsRuntime {
  const settings = SubscriptionsConfigSchema.parse(options.settings ?? {});
  const { bus, logger, now } = options;
  const store = createSubscriptionStore(bus);
  const gate = createNoiseGate({ bus, now });
  const flusher = createGroupFlusher({
    bus,
    now,
    logger,
    sweepBuckets: [THREADS_BUCKET],
    ...(options.flushTickMs ? { tickMs: options.flushTickMs } : {}),
    ...(options.health ? { probe: options.health.probe('noise-flusher') } : {}),
  });
  let rules: SubscriptionRules | undefined;
  const onChange = () => rules?.refresh();
  const scope: SubscriptionScope = { sources: options.sources, teams: settings.teams };
  const extension = options.extension?.({ bus, settings, scope, logger });
  const actions = subscriptionActions({ bus, store, gate, settings, scope, onChange, ...(extension ? { extension } : {}) });
  flusher.start();
  return {
    actions,
    store,
    gate,
    flusher,
    async startRules(context) {
      rules = createSubscriptionRules({
        store,
        ...(extension ? { extraRules: () => extension.ruleSources() } : {}),
        context,
        settings,
        scope,
        logger,
        ...(options.health ? { probe: options.health.probe('subscriptions-refresh') } : {}),
      });
      // Not fatal: while the event store is still opening, the periodic refresh picks subscriptions up (routing waits for it).
      await rules
        .refresh()
        .catch((err: unknown) =>
          logger.warn({ err: (err as Error).message }, 'subscriptions: not loaded yet, will retry; events are routed once they are'),
        );
      rules.start();
      return rules;
    },
    async stop() {
      rules?.stop();
      await flusher.stop();
    },
  };
}
