import type { ReplyTarget } from './chat-request.ts';
import type { SubscriptionsConfig } from '../settings.ts';

/** Where Slack sends slash-command and interaction `response_url`s. https://api.slack.com/interactivity/handling#message_responses */
const SLACK_HOOKS_ORIGIN = 'https://hooks.slack.com';

type ReplySettings = Pick<SubscriptionsConfig, 'slack' | 'mattermost'>;

function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Why a command's reply target may not be used, or undefined when it may. A `response_url` comes
 * from the request: it must be the platform's own host (Slack's hooks host or the configured Slack
 * API origin; the configured Mattermost server), or a leaked command token turns the hub into a
 * POST relay. Discord replies go to the configured API URL, so any interaction may use them.
 */
export function replyTargetProblem(target: ReplyTarget, settings: ReplySettings): string | undefined {
  if (target.platform === 'discord') return undefined;
  const origin = originOf(target.responseUrl);
  const allowed = target.platform === 'slack' ? [SLACK_HOOKS_ORIGIN, originOf(settings.slack.apiUrl)] : [originOf(settings.mattermost.url)];
  if (origin !== undefined && allowed.includes(origin)) return undefined;
  const host = origin ?? 'an invalid URL';
  if (target.platform === 'slack') return `response_url points at ${host}, not Slack (${SLACK_HOOKS_ORIGIN}): reply refused`;
  if (settings.mattermost.url === undefined)
    return `response_url points at ${host}; set subscriptions.mattermost.url to your Mattermost server so its replies can be checked: reply refused`;
  return `response_url points at ${host}, not the Mattermost server in subscriptions.mattermost.url (${originOf(settings.mattermost.url) ?? '?'}): reply refused`;
}
