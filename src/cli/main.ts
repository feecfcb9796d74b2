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

export interface MainDeps {
  program?: Command;
  stderr?: (text: string) => void;
}

export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const stderr = deps.stderr ?? ((text: string) => void process.stderr.write(text));
  try {
    await (deps.program ?? createProgram()).parseAsync(argv);
    // Commands report failure (e.g. `rules validate` found errors) through process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    stderr(`${err instanceof ConfigError ? err.message : `error: ${failureText(err)}`}\n`);
    return 1;
  }
}

/**
 * What failed, for any thrown value: a library may throw a string, an object or nothing at all, which
 * `.message` turned into "undefined". An object is described by its `message` only, never dumped, as it may hold secrets.
 */
function failureText(err: unknown): string {
  if (typeof err === 'string' && err.trim() !== '') return err;
  const message = (err as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string' && message.trim() !== '') return message;
  if (err instanceof Error) {
    const frame = err.stack?.split('\n')[1]?.trim();
    return `${err.name} with no message${frame ? ` (${frame})` : ''}; please report this with the command you ran`;
  }
  const kind = typeof err === 'object' && err !== null ? (err.constructor?.name ?? 'Object') : undefined;
  const what = kind === undefined ? String(err) : `${kind === 'Object' ? 'an object' : `a ${kind}`} with no message`;
  return `the command failed without saying why (it threw ${typeof err === 'string' ? 'an empty string' : what}); please report this with the command you ran`;
}
