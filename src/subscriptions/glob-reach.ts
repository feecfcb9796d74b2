import { chatPlatformNames } from './chat/platforms/index.ts';

/**
 * Why a chat channel may not subscribe to this event type glob, or undefined when it may.
 * Chat platforms' own events (Slack messages from private channels and DMs, other channels' and
 * workspaces' slash commands with their reply URLs, Discord interactions with their tokens) belong
 * to the channel they came from: relayed to another channel they leak it, and a channel fed its own
 * platform's messages answers every post with another post. A wildcard provider (`**`, `*.message`)
 * reaches them too.
 */
export function globReachProblem(glob: string): string | undefined {
  const provider = glob.split('.')[0] ?? '';
  if (provider === '*' || provider === '**')
    return `"${glob}" would reach every provider's events; name the provider, e.g. sentry.issue.* or pagerduty.**`;
  if ((chatPlatformNames as readonly string[]).includes(provider))
    return `chat subscriptions do not relay ${provider} events: they belong to the channel they were sent in (private channels, DMs, other workspaces' commands)`;
  return undefined;
}
