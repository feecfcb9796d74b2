import { actions } from './actions/index.ts';
import type { ActionRegistry } from './actions/registry.ts';
import { createReportAction } from './actions/report/index.ts';
import { githubConnectors } from './github/github-settings.ts';
import { createRulesChecks } from './github/rules-check/rules-checks.ts';
import type { HubOptions } from './hub.ts';
import type { MonitoredBus } from './hub-monitoring.ts';
import type { LiveSecrets } from './operations/live-secrets.ts';
import { createGithubReviewReader, reviewAccessProblem } from './reminders/github-review-reader.ts';
import { remindersExtension } from './reminders/reminders-extension.ts';
import { rulesContext, startRules, type RunningRules } from './rules-runtime.ts';
import { createSubscriptionsRuntime, type SubscriptionsRuntime } from './subscriptions/subscriptions-runtime.ts';
import { sourceConnectors } from './subscriptions/scope/source-connectors.ts';

export interface HubRules {
  rules: RunningRules;
  /** Every action type the hub runs: the rule files', the chat subscriptions' and the rules checks'. */
  registry: ActionRegistry;
  subscriptions: SubscriptionsRuntime;
}

/** Builds the action registry and starts the rules (with the router when `route`). */
export async function startHubRules(
  options: HubOptions,
  now: () => Date,
  monitored: MonitoredBus & { liveSecrets: LiveSecrets },
  route: boolean,
): Promise<HubRules> {
  const { config, logger } = options;
  const { bus, metrics, meta, health, liveSecrets } = monitored;
  // Chat subscriptions add the `chat` and `subscription-command` actions and their own rules; review reminders plug into them.
  // Open PRs for review reminders (`/hookhub remind`, report source github-reviews), with the github connectors' API access.
  // Both take the tokens a GitHub App's key mints, which the workers mask in what GitHub's answers echo.
  const github = githubConnectors(config);
  const reviews = createGithubReviewReader({ connectors: github, logger, now, liveSecrets });
  const subscriptions = createSubscriptionsRuntime({
    bus,
    settings: config.subscriptions,
    logger,
    now,
    extension: remindersExtension(reviews, (repo) => reviewAccessProblem(github, repo)),
    health,
    sources: sourceConnectors(config.connectors),
  });
  // Rule files may name only the action types docs/actions.md documents, as `rules validate` checks them;
  // the rest run the rules the hub makes itself.
  const fileActions = { ...actions, report: createReportAction({ reviews }) };
  // Pull-request checks of rule changes (github connectors with rulesCheck) add `rules-check` and its rule.
  const rulesChecks = createRulesChecks(config, logger, () => rulesContext(config, fileActions, options.env?.vars ?? {}), liveSecrets);
  const registry = { ...fileActions, ...subscriptions.actions, ...rulesChecks.actions };
  const rules = await startRules(config, {
    registry,
    fileActions,
    bus,
    logger,
    now,
    vars: options.env?.vars ?? {},
    subscriptions,
    builtinRules: rulesChecks.rules,
    route,
    onReloadFailed: meta.reloadFailed,
    metrics,
    health,
  });
  return { rules, registry, subscriptions };
}
