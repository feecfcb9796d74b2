import { mayChange, notAllowedMessage } from '../subscriptions/commands/authorize.ts';
import type { ChatRequest } from '../subscriptions/chat/chat-request.ts';
import { deliveryProblem } from '../subscriptions/chat/delivery-check.ts';
import type { CommandExtension } from '../subscriptions/commands/command-extension.ts';
import type { CommandReply } from '../subscriptions/commands/handle-command.ts';
import type { SubscriptionsConfig } from '../subscriptions/settings.ts';
import { scopeOf, type SubscriptionScope } from '../subscriptions/scope/subscription-scope.ts';
import { REMIND_SYNTAX, type RemindCommand } from './parse-remind.ts';
import { reminderId } from './reminder.ts';
import { describeReminder } from './reminder-rules.ts';
import type { ReminderStore } from './reminder-store.ts';

export interface RemindDeps {
  reminders: ReminderStore;
  /** Why the repository's pull requests could not be read at the ticks; absent = not checked. */
  access?: ReviewAccessCheck;
  settings: SubscriptionsConfig;
  /** Which connectors' events this channel's team may read: a reminder reads a repository through a github connector. */
  scope: SubscriptionScope;
  now: () => Date;
  onChange?: () => Promise<void> | void;
}

/** Why the pull requests of `owner/repo` cannot be read (no API access, a repository no connector may read), or undefined. */
export type ReviewAccessCheck = (repo: string) => string | undefined;

/** `/hookhub remind …` on this store, as a verb added to the chat command. */
export function remindCommand(reminders: ReminderStore, access?: ReviewAccessCheck): CommandExtension<RemindCommand> {
  return {
    ...REMIND_SYNTAX,
    handle: (command, request, deps) => handleRemind(command, request, { ...deps, reminders, ...(access ? { access } : {}) }),
  };
}

/** Each reminder is a schedule every hub process arms and a GitHub read at each tick: bounded per channel. */
export const MAX_REMINDERS_PER_CHANNEL = 20;

const ephemeral = (text: string): CommandReply => ({ text, visibility: 'ephemeral' });

/** `/hookhub remind …`: set, list or remove this channel's review reminders. Setting and removing need the subscribe rights. */
export async function handleRemind(command: RemindCommand, request: ChatRequest, deps: RemindDeps): Promise<CommandReply> {
  const c = `/${deps.settings.command}`;
  if (command.action === 'list') {
    const reminders = await deps.reminders.inChannel(request.channel);
    if (reminders.length === 0) return ephemeral(`This channel has no review reminders. Try \`${c} remind owner/repo weekdays 09:00\`.`);
    return ephemeral(['Review reminders in this channel:', ...reminders.map((r) => `• ${describeReminder(r)}`)].join('\n'));
  }
  if (!mayChange(request, deps.settings.allow)) return ephemeral(notAllowedMessage(request, deps.settings.allow));
  const who = request.user.name ? `@${request.user.name}` : request.user.id;
  const id = reminderId(request.channel, command.repo);
  if (command.action === 'remove') {
    if (!(await deps.reminders.get(id))) return ephemeral(`This channel has no review reminder for ${command.repo}.`);
    await deps.reminders.delete(id);
    await deps.onChange?.();
    return { text: `Removed the review reminder for ${command.repo} (by ${who}).`, visibility: 'channel' };
  }
  const { repo, schedule, filters, olderThanMs } = command;
  // Stored, it would answer "ok" and then fail at every tick.
  const scoped = scopeOf(deps.scope, request.channel, { provider: 'github', path: repo });
  const unreadable = 'problem' in scoped ? scoped.problem : deps.access?.(repo);
  if (unreadable) return ephemeral(`No review reminder set: ${unreadable}.`);
  const here = await deps.reminders.inChannel(request.channel);
  const existed = here.some((r) => r.id === id);
  if (!existed && here.length >= MAX_REMINDERS_PER_CHANNEL)
    return ephemeral(
      `This channel already has ${here.length} review reminders, the most one channel may have. Remove one first (\`${c} remind list\` shows them).`,
    );
  const reminder = {
    id,
    channel: request.channel,
    repo,
    schedule,
    filters,
    olderThanMs,
    createdBy: request.user,
    createdAt: deps.now().toISOString(),
  };
  await deps.reminders.put(reminder);
  await deps.onChange?.();
  const warning = deliveryProblem(request.channel, deps.settings);
  return {
    text: `${existed ? 'Updated the' : 'This channel gets a'} review reminder: ${describeReminder(reminder)} (by ${who}).${warning ? `\n:warning: ${warning}` : ''}`,
    visibility: 'channel',
  };
}
