import { actions } from '../actions/index.ts';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { rulesContext } from '../rules-runtime.ts';
import type { RulesCommandContext } from './rules-command.ts';
import { configPathOption } from './config-path.ts';

/** What `hookhub rules …` validates against: the same context the running hub uses. */
export async function loadRulesCommandContext(options: { config?: string }): Promise<RulesCommandContext> {
  const env = readEnv();
  const config = await loadConfig(configPathOption(options.config, env), env);
  const context = rulesContext(config, actions, env.vars);
  return {
    rulesDir: config.rulesDir,
    channels: context.channels,
    connectors: context.connectors,
    ...(context.connectorTypes ? { connectorTypes: context.connectorTypes } : {}),
    registry: actions,
    connectorConfigs: config.connectors,
    vars: env.vars,
    ...(context.network ? { network: context.network } : {}),
  };
}
