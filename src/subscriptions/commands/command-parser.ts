import { didYouMean } from '../../shared/closest-match.ts';
import { tokenize } from './command-tokens.ts';
import { MAX_MUTE_MS, parseMuteDuration } from './durations.ts';
import { parseSubscribeOptions, type SubscribeOptions } from './parse-options.ts';
import { globReachProblem } from '../glob-reach.ts';
import { hasFilters } from '../subscription.ts';
import { parseTarget, type Target } from '../targets.ts';
import type { CommandSyntax, ExtraCommand } from './command-extension.ts';

/** A parsed chat command. `mute`/`unmute` take a target or `all` (the whole channel). */
export type ChatCommand =
  | ({ verb: 'subscribe'; target: Target } & SubscribeOptions)
  | { verb: 'unsubscribe'; target: Target; features: string[] }
  | { verb: 'list' }
  | { verb: 'mute'; target: Target | 'all'; ms: number; duration: string }
  | { verb: 'unmute'; target: Target | 'all' }
  | { verb: 'help'; topic?: string };

export type ParseResult<C = ChatCommand> = { ok: true; command: C } | { ok: false; message: string };

const VERBS: Readonly<Record<string, ChatCommand['verb']>> = {
  subscribe: 'subscribe',
  sub: 'subscribe',
  unsubscribe: 'unsubscribe',
  unsub: 'unsubscribe',
  list: 'list',
  ls: 'list',
  mute: 'mute',
  snooze: 'mute',
  unmute: 'unmute',
  unsnooze: 'unmute',
  help: 'help',
};

const USAGE: Readonly<Record<ChatCommand['verb'], string>> = {
  subscribe: 'subscribe <target> [features] [filters], e.g. subscribe acme/api issues pulls +label:bug -author:dependabot[bot]',
  unsubscribe: 'unsubscribe <target> [features], e.g. unsubscribe acme/api (everything) or unsubscribe acme/api commits',
  list: 'list',
  mute: 'mute <target|all> <duration>, e.g. mute acme/api 2h',
  unmute: 'unmute <target|all>',
  help: 'help [subscribe|unsubscribe|list|mute|unmute|remind]',
};

/**
 * Slack caps what a user types; Mattermost and Discord (several options) let far more through. A
 * command is stored with its subscription, compiled into rules by every hub process and echoed in
 * the reply, so its size is bounded here.
 */
export const MAX_COMMAND_LENGTH = 1_000;

/** Whether a parsed command is one of the built-in verbs (the others come from extensions). */
export function isBuiltInCommand(command: ExtraCommand): command is ChatCommand {
  return Object.hasOwn(USAGE, command.verb);
}

/**
 * Parses the text after the slash command, with the verbs the extensions add. Never throws: bad
 * input gets a message saying how to fix it.
 */
export function parseCommand<E extends ExtraCommand = never>(
  text: string,
  command = '/hookhub',
  extensions: readonly CommandSyntax<E>[] = [],
): ParseResult<ChatCommand | E> {
  if (text.length > MAX_COMMAND_LENGTH)
    return fail(
      `a command is at most ${MAX_COMMAND_LENGTH.toLocaleString('en-US')} characters (this one has ${text.length.toLocaleString('en-US')}).`,
    );
  const { tokens, error } = tokenize(text);
  if (error) return fail(error);
  const [first, ...rest] = tokens;
  if (first === undefined) return { ok: true, command: { verb: 'help' } };
  const verb = VERBS[first.toLowerCase()];
  const extension = verb ? undefined : extensions.find((e) => e.verb === first.toLowerCase());
  if (extension) {
    const parsed = extension.parse(rest);
    return 'error' in parsed ? fail(`${parsed.error}\nUsage: \`${command} ${extension.usage}\``) : { ok: true, command: parsed.command };
  }
  const verbs = [...Object.keys(VERBS), ...extensions.map((e) => e.verb)];
  if (!verb) return fail(`unknown command "${first}"${didYouMean(first.toLowerCase(), verbs)}. Try \`${command} help\`.`);
  const usage = `Usage: \`${command} ${USAGE[verb]}\``;
  const withUsage = (result: ParseResult): ParseResult => (result.ok ? result : fail(`${result.message}\n${usage}`));
  switch (verb) {
    case 'help':
      return { ok: true, command: rest[0] ? { verb, topic: rest[0].toLowerCase() } : { verb } };
    case 'list':
      return rest.length > 0 ? fail(`list takes no arguments.\n${usage}`) : { ok: true, command: { verb } };
    case 'subscribe':
      return withUsage(parseSubscribe(rest));
    case 'unsubscribe':
      return withUsage(parseUnsubscribe(rest));
    case 'mute':
      return withUsage(parseMute(rest));
    case 'unmute':
      return withUsage(
        rest.length === 1
          ? withTarget(rest[0] ?? '', (target) => ({ verb: 'unmute', target }))
          : fail('unmute needs exactly one target (or all)'),
      );
  }
}

function parseSubscribe(words: string[]): ParseResult {
  const [first, ...rest] = words;
  if (first === undefined) return fail('subscribe needs a target');
  const parsed = parseTarget(first);
  if ('error' in parsed) return fail(parsed.error);
  const reach = parsed.target.provider === 'glob' ? globReachProblem(parsed.target.glob) : undefined;
  if (reach) return fail(reach);
  const options = parseSubscribeOptions(parsed.target.provider, rest);
  if ('error' in options) return fail(options.error);
  return { ok: true, command: { verb: 'subscribe', target: parsed.target, ...options } };
}

function parseUnsubscribe(words: string[]): ParseResult {
  const [first, ...rest] = words;
  if (first === undefined) return fail('unsubscribe needs a target');
  const parsed = parseTarget(first);
  if ('error' in parsed) return fail(parsed.error);
  const options = parseSubscribeOptions(parsed.target.provider, rest);
  if ('error' in options) return fail(options.error);
  if (options.features.some((f) => f.arg !== undefined) || options.noise || hasFilters(options.filters)) {
    return fail('unsubscribe takes feature names only (to change filters, subscribe again with the new filters)');
  }
  return { ok: true, command: { verb: 'unsubscribe', target: parsed.target, features: options.features.map((f) => f.name) } };
}

function parseMute(words: string[]): ParseResult {
  const [first, ...rest] = words;
  if (first === undefined || rest.length === 0) return fail('mute needs a target (or all) and a duration');
  const duration = parseMuteDuration(rest.join(''));
  if (!duration) return fail(`"${rest.join(' ')}" is not a duration; use e.g. 30m, 2h, 1d or 1w`);
  if (duration.ms > MAX_MUTE_MS) return fail('mutes last at most 30 days');
  return withTarget(first, (target) => ({ verb: 'mute', target, ms: duration.ms, duration: duration.text }));
}

function withTarget(word: string, build: (target: Target | 'all') => ChatCommand): ParseResult {
  if (word.toLowerCase() === 'all') return { ok: true, command: build('all') };
  const parsed = parseTarget(word);
  return 'error' in parsed ? fail(parsed.error) : { ok: true, command: build(parsed.target) };
}

function fail(message: string): ParseResult {
  return { ok: false, message };
}
