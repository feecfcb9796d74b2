import type { ChatPlatform } from '../chat-platform.ts';
import { foreignHost, originOf, postToResponseUrl, slashCommandRequest, type ResponseUrlTarget } from '../slash-command.ts';
import { slackPoster } from './poster.ts';
import { slackCard, slackEscape } from './render-card.ts';
import { SlackSettingsSchema } from './settings.ts';

/** Where Slack sends slash-command and interaction `response_url`s. https://api.slack.com/interactivity/handling#message_responses */
const SLACK_HOOKS_ORIGIN = 'https://hooks.slack.com';

/** Slack: slash commands answered through their `response_url`, messages posted with the Web API and a bot token. */
export const slackPlatform: ChatPlatform<ResponseUrlTarget<'slack'>, typeof SlackSettingsSchema> = {
  label: 'Slack',
  settings: SlackSettingsSchema,
  ids: {
    shape: /^[A-Z0-9]{2,}$/,
    howToFind:
      "the web client URL app.slack.com/client/<team id>/<channel id> shows both; a user id is under the profile's ⋮ > Copy member ID",
    example: (kind) => `slack:T024BE7LD/${kind === 'user' ? 'U024BE7LH' : 'C024BE91L'}`,
  },
  commandEvents: (command) => ({ types: [`slack.command.${command}`] }),
  parseRequest: (event, command) => slashCommandRequest('slack', event, command),
  replyProblem(target, settings) {
    const host = foreignHost(target.responseUrl, [SLACK_HOOKS_ORIGIN, originOf(settings.slack.apiUrl)]);
    return host === undefined ? undefined : `response_url points at ${host}, not Slack (${SLACK_HOOKS_ORIGIN}): reply refused`;
  },
  // Replies echo the user's words (labels, branches), unescaped by the parser: `<!channel>` would ping everyone.
  reply: (target, reply, deps) => postToResponseUrl(target, reply, slackEscape(reply.text), deps),
  hasApiAccess: (settings) => Boolean(settings.slack.botToken),
  apiAccessSettings: '`subscriptions.slack.botToken`',
  poster: (settings, deps) => slackPoster(settings.slack.apiUrl, settings.slack.botToken ?? '', deps),
  renderCard: slackCard,
};
