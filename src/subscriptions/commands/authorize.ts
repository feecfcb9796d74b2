import { allowEntryFor, allowEntryMatches } from './allow-entry.ts';
import type { ChatRequest } from '../chat/chat-request.ts';
import type { SubscriptionsConfig } from '../settings.ts';

/**
 * Whether the sender may change subscriptions here. An entry matches an id in its team or guild
 * (`slack:T024BE7LD/U024BE7LH`), never a name: names repeat across teams and can be changed.
 * Both lists set: user AND channel.
 */
export function mayChange(request: ChatRequest, allow: SubscriptionsConfig['allow']): boolean {
  const { platform, team } = request.channel;
  const userOk = allow.users.some((entry) => allowEntryMatches(entry, platform, team, request.user.id));
  const channelOk = allow.channels.some((entry) => allowEntryMatches(entry, platform, team, request.channel.id));
  if (allow.users.length > 0 && allow.channels.length > 0) return userOk && channelOk;
  return userOk || channelOk;
}

export function notAllowedMessage(request: ChatRequest, allow: SubscriptionsConfig['allow']): string {
  const who = request.user.name ? `@${request.user.name}` : request.user.id;
  const where = request.channel.name ? `#${request.channel.name}` : request.channel.id;
  const { platform, team } = request.channel;
  const user = allowEntryFor(platform, team, request.user.id);
  if (allow.users.length === 0 && allow.channels.length === 0) {
    return `Subscriptions are locked: nobody is allowed to change them yet. An admin can add users or channels under \`subscriptions.allow\` in hookhub.yaml (for example \`users: [${user}]\`).`;
  }
  return `Sorry ${who}, you may not change subscriptions in ${where}. An admin can allow you (\`${user}\`) or this channel (\`${allowEntryFor(platform, team, request.channel.id)}\`) under \`subscriptions.allow\` in hookhub.yaml.`;
}
