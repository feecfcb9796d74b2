import type { Logger } from 'pino';
import type { Action } from '../../actions/action.ts';
import type { HubConfig } from '../../config/load-config.ts';
import type { LiveSecrets } from '../../operations/live-secrets.ts';
import type { Rule, RulesContext } from '../../rules/rule.ts';
import { githubConnectors } from '../github-settings.ts';
import { createRulesCheckAction } from './rules-check-action.ts';
import { RULES_CHECK_ACTION, rulesCheckRules } from './rules-check-rule.ts';

export interface RulesChecks {
  /** `rules-check`, when any github connector has `rulesCheck`. */
  actions: Readonly<Record<string, Action>>;
  /** The generated rules (one per connector), compiled against the hub's context. */
  rules: (context: RulesContext) => Rule[];
}

/** Pull-request checks of rule changes, for every github connector with `rulesCheck` (docs/rules.md). */
export function createRulesChecks(
  config: HubConfig,
  logger: Logger,
  context: () => RulesContext,
  liveSecrets?: Pick<LiveSecrets, 'add'>,
): RulesChecks {
  const connectors = githubConnectors(config).filter((c) => c.config.rulesCheck);
  if (connectors.length === 0) return { actions: {}, rules: () => [] };
  const action = createRulesCheckAction({ connectors, context, logger, ...(liveSecrets ? { liveSecrets } : {}) });
  return { actions: { [RULES_CHECK_ACTION]: action }, rules: (ctx) => rulesCheckRules(connectors, ctx) };
}
