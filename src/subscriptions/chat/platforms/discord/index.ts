import { sendHttp } from '../../../../actions/runtime/send-http.ts';
import type { ChatPlatform } from '../chat-platform.ts';
import { toMarkdown } from '../markdown.ts';
import { discordPoster } from './poster.ts';
import { discordCard } from './render-card.ts';
import { DISCORD_COMMAND, discordRequest } from './request.ts';
import { DiscordSettingsSchema } from './settings.ts';

/** A command's answer edits the deferred "thinking…" message through the interaction webhook. */
export interface DiscordTarget {
  platform: 'discord';
  applicationId: string;
  token: string;
}

/** Discord: application commands answered through the interaction webhook, messages posted with the REST API and a bot token. */
export const discordPlatform: ChatPlatform<DiscordTarget, typeof DiscordSettingsSchema> = {
  label: 'Discord',
  settings: DiscordSettingsSchema,
  ids: {
    shape: /^\d{15,21}$/,
    howToFind: 'turn on Developer Mode (User Settings > Advanced), then right-click the server, channel or user > Copy ID',
    example: () => 'discord:<guild id>/<id>',
  },
  // Every application command has this one type: the command's name is in the payload.
  commandEvents: (command) => ({
    types: [DISCORD_COMMAND],
    when: { $or: [{ type: { $ne: DISCORD_COMMAND } }, { 'data.data.name': command }] },
  }),
  parseRequest: discordRequest,
  // Replies go to the configured API URL, so any interaction may use them.
  replyProblem: () => undefined,
  /** https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response */
  reply(target, reply, deps, settings) {
    const url = `${settings.discord.apiUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(target.applicationId)}/${encodeURIComponent(target.token)}/messages/@original`;
    const body = JSON.stringify({ content: toMarkdown(reply.text).slice(0, 2000), allowed_mentions: { parse: [] } });
    return sendHttp(deps, { url, method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
  },
  hasApiAccess: (settings) => Boolean(settings.discord.botToken),
  apiAccessSettings: '`subscriptions.discord.botToken`',
  poster: (settings, deps) => discordPoster(settings.discord.apiUrl, settings.discord.botToken ?? '', deps),
  renderCard: discordCard,
};
