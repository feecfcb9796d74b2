import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors.ts';
import { registerStartCommand } from './start-command.ts';
import { registerTriggerCommand } from './trigger-command.ts';
import { registerListenCommand } from './listen-command.ts';
import { actions } from '../actions/index.ts';
import { registerDlqCommand } from './dlq-command.ts';
import { loadConfiguredRules, registerEventsCommand } from './events-command.ts';
import { loadHiddenValues } from './hidden-values.ts';
import { openConfiguredBus } from './open-bus.ts';
import { registerRulesCommand } from './rules-command.ts';
import { loadRulesCommandContext } from './rules-context.ts';
import { registerGithubCommand } from './github-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerStoreCommand } from './store-command.ts';
import { loadSubscriptionRulesForCli, openSubscriptions } from '../subscriptions/open-subscriptions.ts';
import { registerSubscriptionsCommand } from '../subscriptions/subscriptions-command.ts';

/** Builds the `hookhub` program. Errors go to stderr with a non-zero exit; results go to stdout. */
export function createProgram(): Command {
  const program = new Command('hookhub')
    .description('Verified webhooks into a durable bus, YAML rules, reliable actions')
    .exitOverride()
    .showHelpAfterError();
  registerStartCommand(program);
  registerTriggerCommand(program);
  registerListenCommand(program);
  registerRulesCommand(program, {
    loadContext: loadRulesCommandContext,
    loadExtraRules: loadSubscriptionRulesForCli,
    openBus: openConfiguredBus,
  });
  registerSubscriptionsCommand(program, { open: openSubscriptions });
  registerDlqCommand(program, { openBus: openConfiguredBus, loadHidden: loadHiddenValues });
  registerEventsCommand(program, {
    openBus: openConfiguredBus,
    loadRules: (o) => loadConfiguredRules(actions, o),
    loadHidden: loadHiddenValues,
    registry: actions,
  });
  registerGithubCommand(program);
  registerReportCommand(program);
  registerStoreCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    // Commands report failure (e.g. `rules validate` found errors) through process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    const message = err instanceof ConfigError ? err.message : `error: ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    return 1;
  }
}
