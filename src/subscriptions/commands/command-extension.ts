import type { ChatRequest } from '../chat/chat-request.ts';
import type { CommandDeps, CommandReply } from './handle-command.ts';

/** A parsed command of a verb that another feature adds. */
export interface ExtraCommand {
  verb: string;
}

/** How such a verb is parsed: enough for the parser, which never runs anything. */
export interface CommandSyntax<C extends ExtraCommand = ExtraCommand> {
  /** The word after the slash command, lower case. The built-in verbs win over it. */
  verb: string;
  /** Shown after `Usage:` when the words after the verb do not parse. */
  usage: string;
  /** The words after the verb. Bad input gets a message, never a throw. */
  parse(words: readonly string[]): { command: C } | { error: string };
}

/**
 * A verb another feature adds to the chat command (reminders add `remind`), so that subscriptions
 * route to it without importing that feature.
 */
export interface CommandExtension<C extends ExtraCommand = ExtraCommand> extends CommandSyntax<C> {
  /** Checks its own rights: the command handler checks them only for the built-in verbs. */
  handle(command: C, request: ChatRequest, deps: CommandDeps): Promise<CommandReply>;
}
