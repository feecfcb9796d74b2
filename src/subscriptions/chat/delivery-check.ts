import type { SubscriptionsConfig } from '../settings.ts';
import type { ChatChannel } from '../subscription.ts';
import { chatPlatforms } from './platforms/index.ts';

/** How messages reach a channel: the platform's API with a bot token, or a mapped hookhub channel. */
export type DeliveryRoute = { kind: 'api' } | { kind: 'channel'; name: string } | { kind: 'none' };

export function deliveryRoute(channel: ChatChannel, settings: SubscriptionsConfig): DeliveryRoute {
  const mapped = settings.channels[channel.id] ?? settings.channels[`${channel.platform}:${channel.id}`];
  if (chatPlatforms[channel.platform].hasApiAccess(settings)) return { kind: 'api' };
  return mapped ? { kind: 'channel', name: mapped } : { kind: 'none' };
}

/** Why nothing would reach this channel, with the fix; undefined when messages can be delivered. */
export function deliveryProblem(channel: ChatChannel, settings: SubscriptionsConfig): string | undefined {
  if (deliveryRoute(channel, settings).kind !== 'none') return undefined;
  const token = chatPlatforms[channel.platform].apiAccessSettings;
  return `hookhub cannot post here yet: set ${token} in hookhub.yaml, or map this channel to a hookhub channel under \`subscriptions.channels\` (\`${channel.id}: <channel name>\`).`;
}
