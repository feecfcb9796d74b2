import type { CommandSyntax } from '../subscriptions/commands/command-extension.ts';
import type { Filters } from '../subscriptions/subscription.ts';
import { parseTarget } from '../subscriptions/targets.ts';
import { parseReminderSchedule, type ReminderSchedule } from './reminder-schedule.ts';
import { parseReviewOptions } from './review-filter.ts';

export type RemindCommand =
  | { verb: 'remind'; action: 'list' }
  | { verb: 'remind'; action: 'remove'; repo: string }
  | { verb: 'remind'; action: 'set'; repo: string; schedule: ReminderSchedule; filters: Filters; olderThanMs: number };

export const REMIND_USAGE =
  'remind owner/repo <weekdays|daily|mon,wed,fri> <HH:MM> [Time/Zone] [+label:… -label:… +author:… -author:…] [older-than:4h] · remind list · remind remove owner/repo';

/** `remind …` after the slash command: list, remove, or set a reminder. Bad input gets a message, never a throw. */
export function parseRemind(words: readonly string[]): { command: RemindCommand } | { error: string } {
  const [first, ...rest] = words;
  if (first === undefined) return { error: 'remind needs a repository, or list, or remove' };
  if (first.toLowerCase() === 'list')
    return rest.length > 0 ? { error: 'remind list takes no arguments' } : { command: { verb: 'remind', action: 'list' } };
  if (first.toLowerCase() === 'remove') {
    const repo = githubRepo(rest[0]);
    if ('error' in repo) return repo;
    return rest.length > 1
      ? { error: 'remind remove takes one repository' }
      : { command: { verb: 'remind', action: 'remove', repo: repo.repo } };
  }
  const repo = githubRepo(first);
  if ('error' in repo) return repo;
  const parsed = parseReminderSchedule(rest, 'UTC');
  if ('error' in parsed) return parsed;
  const options = parseReviewOptions(parsed.rest);
  if ('error' in options) return options;
  return { command: { verb: 'remind', action: 'set', repo: repo.repo, schedule: parsed.schedule, ...options } };
}

/** `remind` as a verb of the chat command parser. */
export const REMIND_SYNTAX: CommandSyntax<RemindCommand> = { verb: 'remind', usage: REMIND_USAGE, parse: parseRemind };

function githubRepo(word: string | undefined): { repo: string } | { error: string } {
  if (word === undefined) return { error: 'remind needs a repository, e.g. acme/api' };
  const parsed = parseTarget(word);
  if ('error' in parsed) return parsed;
  const { target } = parsed;
  if (target.provider !== 'github' || target.path.endsWith('/*'))
    return { error: `reminders read one GitHub repository (owner/repo), not "${word}"` };
  return { repo: target.path };
}
