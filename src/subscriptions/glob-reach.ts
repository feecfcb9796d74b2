import { chatPlatformNames } from './chat/platforms/index.ts';

/**
 * The first segment of the hub's own event types: meta-events (`hookhub.job.dead_lettered`, …) and
 * scheduled ticks (`hookhub.schedule.<rule>`). Operators route them with rule files.
 */
const HUB_PROVIDER = 'hookhub';

/**
 * Why a chat channel may not subscribe to this event type glob, or undefined when it may.
 * Chat platforms' own events (Slack messages from private channels and DMs, other channels' and
 * workspaces' slash commands with their reply URLs, Discord interactions with their tokens) belong
 * to the channel they came from: relayed to another channel they leak it, and a channel fed its own
 * platform's messages answers every post with another post. The hub's own events carry operator
 * internals (destination hosts, error text, rule names and files) that whoever may type a slash
 * command must not read. A wildcard provider (`**`, `*.message`) reaches both.
 */
export function globReachProblem(glob: string): string | undefined {
  const provider = glob.split('.')[0] ?? '';
  if (provider === '*' || provider === '**')
    return `"${glob}" would reach every provider's events; name the provider, e.g. sentry.issue.* or pagerduty.**`;
  if ((chatPlatformNames as readonly string[]).includes(provider))
    return `chat subscriptions do not relay ${provider} events: they belong to the channel they were sent in (private channels, DMs, other workspaces' commands)`;
  if (provider === HUB_PROVIDER)
    return "chat subscriptions do not relay the hub's own events (hookhub.*): they carry the operators' internals (destinations, errors, rule names); route them to a channel with a rule file";
  return undefined;
}
