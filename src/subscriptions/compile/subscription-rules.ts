import type { Logger } from 'pino';
import type { ConsumerProbe } from '../../bus/consumer-health.ts';
import { stringify } from 'yaml';
import { coalesce } from '../../shared/coalesce.ts';
import { compileRuleSources, type RuleSource } from '../../rules/compile-rule-sources.ts';
import { formatDiagnostic } from '../../rules/diagnostics.ts';
import type { Rule, RulesContext } from '../../rules/rule.ts';
import { chatPlatformNames, chatPlatforms } from '../chat/platforms/index.ts';
import { SUBSCRIPTION_COMMAND_ACTION } from '../commands/command-action.ts';
import { originOf, subscriptionRules, type RawRule } from './compile-subscription.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import { globReachProblem } from '../glob-reach.ts';
import { scopeOf, type SubscriptionScope } from '../scope/subscription-scope.ts';
import type { Subscription } from '../subscription.ts';
import type { SubscriptionStore } from '../subscription-store.ts';

/** The name of the built-in rule that routes chat slash commands to `subscription-command`. */
export const COMMAND_RULE = 'hookhub-chat-commands';

/** Subscription rules as the router sees them; re-read from the store on change and periodically. */
export interface SubscriptionRules {
  rules(): readonly Rule[];
  /** Bumped whenever `rules()` changes (so a merged rule set can be cached). */
  version(): number;
  /** Settles (never rejects) once a refresh has read the store: until then rules() has no subscription's rules. */
  loaded(): Promise<void>;
  refresh(): Promise<void>;
  start(): void;
  stop(): void;
}

/** A rules file another feature keeps beside the subscriptions' rules (review reminders: one per reminder). */
export interface ExtraRuleSource extends RuleSource {
  /** Where its rules come from, as `hookhub rules list` shows it. */
  origin: string;
}

export interface SubscriptionRulesOptions {
  /** Failures of the periodic refresh (counted in hookhub_consumer_errors_total), logged once per streak. */
  probe?: ConsumerProbe;
  store: SubscriptionStore;
  /** Read again on every refresh, like the subscriptions. */
  extraRules?: () => Promise<ExtraRuleSource[]>;
  context: RulesContext;
  settings: SubscriptionsConfig;
  /** The connectors each subscription may relay: they become its rules' `from:`. */
  scope: SubscriptionScope;
  logger: Logger;
}

/**
 * Compiles subscriptions into rules on the same engine as rule files (the YAML a user would
 * write, through compileRuleSources), plus the built-in command rule.
 */
export function createSubscriptionRules(options: SubscriptionRulesOptions): SubscriptionRules {
  let rules: readonly Rule[] = [];
  let version = 0;
  let fingerprint = '';
  let timer: NodeJS.Timeout | undefined;
  let markLoaded: () => void = () => undefined;
  const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
  const read = async () => {
    const subs = await options.store.list();
    const extra = (await options.extraRules?.()) ?? [];
    const next = JSON.stringify([subs, extra]);
    if (next !== fingerprint || version === 0) {
      rules = compileSubscriptions(subs, options, extra);
      fingerprint = next;
      version++;
    }
    markLoaded();
  };
  // One read at a time: a slow store never piles reads up, nor lets an older read land after a newer one.
  const refresh = coalesce(read);
  return {
    rules: () => rules,
    version: () => version,
    loaded: () => loaded,
    refresh,
    start() {
      const pass = () =>
        refresh().then(
          () => options.probe?.progress(),
          (err: unknown) => (options.probe ? options.probe.failure(err) : options.logger.warn({ err }, 'subscriptions: refresh failed')),
        );
      // A tick while a refresh still runs is skipped: a hung store shows as no progress, not as a pile of reads.
      timer ??= setInterval(() => void (refresh.busy() ? undefined : pass()), options.settings.refresh);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** Every subscription's rules, the extra rules and the command rule; a subscription that fails to compile is logged and left out. */
export function compileSubscriptions(
  subs: readonly Subscription[],
  options: Pick<SubscriptionRulesOptions, 'context' | 'settings' | 'scope' | 'logger'>,
  extra: readonly ExtraRuleSource[] = [],
): Rule[] {
  const sources: RuleSource[] = withinReach(subs, options).map(({ sub, from }) => ({
    file: `subscription:${sub.id}`,
    text: stringify({ rules: subscriptionRules(sub).map((rule) => ({ ...rule, from })) }),
  }));
  sources.push(...extra);
  const command = commandRule(options.settings.command, options.scope);
  if (command) sources.unshift({ file: 'subscription:commands', text: stringify({ rules: [command] }) });
  const result = compileRuleSources(sources, options.context);
  for (const d of result.diagnostics.filter((x) => x.severity === 'error')) options.logger.error(`subscriptions: ${formatDiagnostic(d)}`);
  const origins = new Map(subs.map((sub) => [`subscription:${sub.id}`, `subscription ${sub.id}: ${originOf(sub)}`]));
  for (const source of extra) origins.set(source.file, source.origin);
  return result.ruleSet.rules.map((rule) => {
    const origin = origins.get(rule.where.file) ?? (rule.name === COMMAND_RULE ? 'built in (chat commands)' : undefined);
    return origin ? { ...rule, origin } : rule;
  });
}

/**
 * Each subscription with the connectors it may relay (its rules' `from:`). Left out, saying how to
 * remove them: those made before their glob was refused (see globReachProblem), and those whose
 * team or repository the config no longer lets them see (see scopeOf).
 */
function withinReach(
  subs: readonly Subscription[],
  options: Pick<SubscriptionRulesOptions, 'scope' | 'logger'>,
): { sub: Subscription; from: string[] }[] {
  return subs.flatMap((sub) => {
    const reach = sub.target.provider === 'glob' ? globReachProblem(sub.target.glob) : undefined;
    const scoped = reach === undefined ? scopeOf(options.scope, sub.channel, sub.target) : { problem: reach };
    if ('from' in scoped) return [{ sub, from: scoped.from }];
    options.logger.error(
      `subscriptions: ${sub.id} (${originOf(sub)}) is not delivered: ${scoped.problem}; hookhub subscriptions remove ${sub.id}`,
    );
    return [];
  });
}

/**
 * Routes `/hookhub …` from the chat connectors this hub has, by their own type: a connector that
 * only names a chat platform as its provider (`type: generic, provider: slack`) verifies nothing
 * the platform signed, and a command trusts its event's team, user and channel.
 */
export function commandRule(command: string, scope: SubscriptionScope): Record<string, unknown> | undefined {
  const chat = scope.sources.filter((s) => (chatPlatformNames as readonly string[]).includes(s.type));
  const types = new Set(chat.map((s) => s.type));
  const present = chatPlatformNames.filter((name) => types.has(name)).map((name) => chatPlatforms[name].commandEvents(command));
  // Types that name the command first, then those narrowed by a `when`.
  const routes = [...present.filter((r) => !r.when), ...present.filter((r) => r.when)];
  const on = routes.flatMap((r) => r.types);
  if (on.length === 0) return undefined;
  const when = routes.flatMap((r) => (r.when ? [r.when] : []));
  return {
    name: COMMAND_RULE,
    description: `built in: /${command} subscribe|unsubscribe|list|mute|unmute|help from chat`,
    on,
    from: chat.map((s) => s.name),
    ...(when.length > 0 ? { when: when.length === 1 ? when[0] : { $and: when } } : {}),
    do: [{ [SUBSCRIPTION_COMMAND_ACTION]: { replyTo: '{{connector}}:{{subject}}' } }],
  };
}

/** All subscriptions as one rules file, for `hookhub subscriptions export` (to keep them in git). */
export function exportSubscriptionsYaml(subs: readonly Subscription[]): string {
  const rules: RawRule[] = subs.flatMap((sub) => subscriptionRules(sub));
  const header =
    '# Exported from hookhub subscriptions. The `chat` action needs the subscription in the store;\n# to keep these without it, replace `chat` with `notify: { channel: <name>, text: ... }`.\n';
  return `${header}${stringify({ rules })}`;
}
