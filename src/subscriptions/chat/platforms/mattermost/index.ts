import type { ChatPlatform } from '../chat-platform.ts';
import { toMarkdown } from '../markdown.ts';
import { foreignHost, originOf, postToResponseUrl, slashCommandRequest, type ResponseUrlTarget } from '../slash-command.ts';
import { mattermostPoster } from './poster.ts';
import { quietMentions } from '../../../../shared/quiet-mentions.ts';
import { mattermostCard } from './render-card.ts';
import { MattermostSettingsSchema } from './settings.ts';

/** Mattermost: slash commands answered through their `response_url`, messages posted with the REST API v4 and a bot token. */
export const mattermostPlatform: ChatPlatform<ResponseUrlTarget<'mattermost'>, typeof MattermostSettingsSchema> = {
  label: 'Mattermost',
  settings: MattermostSettingsSchema,
  ids: {
    shape: /^[a-z0-9]{26}$/,
    howToFind:
      'channel ids are under the channel name > View Info; team and user ids are in the System Console or GET /api/v4/teams/name/<team>',
    example: () => 'mattermost:<team id>/<id>',
  },
  commandEvents: (command) => ({ types: [`mattermost.command.${command}`] }),
  parseRequest: (event, command) => slashCommandRequest('mattermost', event, command),
  replyProblem(target, settings) {
    const { url } = settings.mattermost;
    const host = foreignHost(target.responseUrl, [originOf(url)]);
    if (host === undefined) return undefined;
    if (url === undefined)
      return `response_url points at ${host}; set subscriptions.mattermost.url to your Mattermost server so its replies can be checked: reply refused`;
    return `response_url points at ${host}, not the Mattermost server in subscriptions.mattermost.url (${originOf(url) ?? '?'}): reply refused`;
  },
  // A reply in the channel repeats the command's words: `+label:@channel` must not notify everyone.
  reply: (target, reply, deps) => postToResponseUrl(target, reply, quietMentions(toMarkdown(reply.text)).replace(/:warning:/g, '⚠️'), deps),
  hasApiAccess: (settings) => Boolean(settings.mattermost.url && settings.mattermost.botToken),
  apiAccessSettings: '`subscriptions.mattermost.url` and `botToken`',
  poster: (settings, deps) => mattermostPoster(settings.mattermost.url ?? '', settings.mattermost.botToken ?? '', deps),
  renderCard: mattermostCard,
};
