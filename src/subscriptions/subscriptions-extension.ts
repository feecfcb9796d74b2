import type { Logger } from 'pino';
import type { Action } from '../actions/action.ts';
import type { BusKv, BusStreams } from '../bus/event-bus.ts';
import type { CommandExtension } from './commands/command-extension.ts';
import type { ExtraRuleSource } from './compile/subscription-rules.ts';
import type { SubscriptionsConfig } from './settings.ts';
import type { SubscriptionScope } from './scope/subscription-scope.ts';

/**
 * What another feature adds to chat subscriptions (review reminders add `/hookhub remind`, their
 * action and their scheduled rules). Subscriptions only call it, so they do not depend on that feature.
 */
export interface SubscriptionsExtension {
  /** Added to the registry beside `chat` and `subscription-command`. */
  actions: Readonly<Record<string, Action>>;
  commands: readonly CommandExtension[];
  /** Compiled beside the subscriptions' rules; read again on every refresh. */
  ruleSources(): Promise<ExtraRuleSource[]>;
}

/** Builds the extension once per process, on the runtime's bus, parsed settings and scope (what each team may see). */
export type SubscriptionsExtensionFactory = (deps: {
  bus: BusStreams & BusKv;
  settings: SubscriptionsConfig;
  scope: SubscriptionScope;
  logger: Logger;
}) => SubscriptionsExtension;
