import { toText } from '../../../../rules/template-helpers.ts';
import type { ChatPoster } from '../../chat-poster.ts';
import { callJsonApi } from '../../json-api.ts';
import type { ChatDeps } from '../chat-platform.ts';
import { quietMentions } from '../../../../shared/quiet-mentions.ts';
import { mattermostCard } from './render-card.ts';

/** https://api.mattermost.com/#tag/posts/operation/CreatePost */
export function mattermostPoster(serverUrl: string, token: string, deps: ChatDeps): ChatPoster {
  const base = `${serverUrl.replace(/\/+$/, '')}/api/v4/posts`;
  const create = async (body: Record<string, unknown>) => toText((await callJsonApi(deps, { url: base, token, body })).json.id);
  return {
    post: (channel, card, parent) =>
      create({ channel_id: channel, message: '', props: { attachments: [mattermostCard(card)] }, ...(parent ? { root_id: parent } : {}) }),
    reply: (channel, text, parent) => create({ channel_id: channel, message: quietMentions(text), root_id: parent }),
    update: async (_channel, id, card) => {
      await callJsonApi(deps, {
        url: `${base}/${encodeURIComponent(id)}/patch`,
        method: 'PUT',
        token,
        body: { props: { attachments: [mattermostCard(card)] } },
      });
    },
  };
}
