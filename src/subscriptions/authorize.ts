import type { ChatRequest } from './chat-request.ts';
import type { SubscriptionsConfig } from './settings.ts';

/**
 * Whether the sender may change subscriptions here. A list entry matches an id or a name, with
 * or without the platform prefix (`slack:U024BE7LH`), or `*`. Both lists set: user AND channel.
 */
export function mayChange(request: ChatRequest, allow: SubscriptionsConfig['allow']): boolean {
  const { platform } = request.channel;
  const matches = (list: readonly string[], id: string, name: string | undefined) =>
    list.some((entry) => entry === '*' || [id, name, `${platform}:${id}`, name && `${platform}:${name}`].includes(entry));
  const userOk = matches(allow.users, request.user.id, request.user.name);
  const channelOk = matches(allow.channels, request.channel.id, request.channel.name);
  if (allow.users.length > 0 && allow.channels.length > 0) return userOk && channelOk;
  return userOk || channelOk;
}

export function notAllowedMessage(request: ChatRequest, allow: SubscriptionsConfig['allow']): string {
  const who = request.user.name ? `@${request.user.name}` : request.user.id;
  const where = request.channel.name ? `#${request.channel.name}` : request.channel.id;
  if (allow.users.length === 0 && allow.channels.length === 0) {
    return `Subscriptions are locked: nobody is allowed to change them yet. An admin can add users or channels under \`subscriptions.allow\` in hookhub.yaml (for example \`users: [${request.channel.platform}:${request.user.id}]\`).`;
  }
  return `Sorry ${who}, you may not change subscriptions in ${where}. An admin can allow you (\`${request.channel.platform}:${request.user.id}\`) or this channel (\`${request.channel.platform}:${request.channel.id}\`) under \`subscriptions.allow\` in hookhub.yaml.`;
}
