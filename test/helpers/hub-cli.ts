/**
 * Runs `hookhub events …` or `hookhub dlq …` in-process against a running hub's bus and rules, as an
 * operator's CLI would (masking what the rules take from the environment), and returns what it printed.
 */
import { Command } from 'commander';
import { actions } from '../../src/actions/index.ts';
import { registerDlqCommand } from '../../src/cli/dlq-command.ts';
import { registerEventsCommand } from '../../src/cli/events-command.ts';
import type { RunningHub } from '../../src/hub.ts';
import { environmentValuesOf } from '../../src/operations/event-view.ts';
import { keepOpen } from './keep-open-bus.ts';

export async function runHubCli(hub: Pick<RunningHub, 'bus' | 'rules'>, ...args: string[]): Promise<string> {
  let out = '';
  const program = new Command('hookhub').exitOverride();
  const openBus = () => Promise.resolve(keepOpen(hub.bus));
  const write = (text: string) => void (out += text);
  const loadHidden = () => Promise.resolve({ values: environmentValuesOf(hub.rules.getRuleSet()), warnings: [] });
  const loadRules = () => Promise.resolve(hub.rules.getRuleSet());
  registerEventsCommand(program, { openBus, loadRules, loadHidden, registry: actions, write });
  registerDlqCommand(program, { openBus, loadHidden, write });
  await program.parseAsync(['node', 'hookhub', ...args]);
  return out;
}
