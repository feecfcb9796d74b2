import { toText } from '../../../../rules/template-helpers.ts';
import type { ChatPoster } from '../../chat-poster.ts';
import { callJsonApi } from '../../json-api.ts';
import type { ChatDeps } from '../chat-platform.ts';
import { discordCard } from './render-card.ts';

/** https://discord.com/developers/docs/resources/message#create-message */
export function discordPoster(apiUrl: string, token: string, deps: ChatDeps): ChatPoster {
  const base = apiUrl.replace(/\/+$/, '');
  const send = async (channel: string, body: Record<string, unknown>, id?: string) => {
    const url = `${base}/channels/${encodeURIComponent(channel)}/messages${id ? `/${encodeURIComponent(id)}` : ''}`;
    const { json } = await callJsonApi(deps, {
      url,
      method: id ? 'PATCH' : 'POST',
      token,
      scheme: 'Bot',
      body: { ...body, allowed_mentions: { parse: [] } },
    });
    return toText(json.id);
  };
  const ref = (parent?: string) => (parent ? { message_reference: { message_id: parent, fail_if_not_exists: false } } : {});
  return {
    post: (channel, card, parent) => send(channel, { embeds: [discordCard(card)], ...ref(parent) }),
    reply: (channel, text, parent) => send(channel, { content: text.slice(0, 2000), ...ref(parent) }),
    update: async (channel, id, card) => void (await send(channel, { embeds: [discordCard(card)] }, id)),
  };
}
