import type { ActionDeps } from '../../actions/action.ts';
import { PermanentError, RetryableError } from '../../errors.ts';
import { toText } from '../../rules/template-helpers.ts';
import type { Card } from '../cards/card.ts';
import { callJsonApi } from './json-api.ts';
import { discordCard, mattermostCard, slackCard, slackEscape } from '../cards/render-card.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import type { ChatPlatform } from '../subscription.ts';

type Deps = Pick<ActionDeps, 'fetch' | 'now' | 'signal'>;

/** Posts cards to a channel with the platform's API and a bot token; `parent` threads a reply. */
export interface ChatPoster {
  post(channel: string, card: Card, parent?: string): Promise<string>;
  /** A plain-text reply in a thread. */
  reply(channel: string, text: string, parent: string): Promise<string>;
  update(channel: string, id: string, card: Card): Promise<void>;
}

// Slack answers 200 with ok:false; these errors need a person, not a retry.
// https://api.slack.com/methods/chat.postMessage#errors
const SLACK_HINTS: Readonly<Record<string, string>> = {
  not_in_channel: 'invite the bot to the channel (/invite @your-bot)',
  channel_not_found: 'the channel does not exist or the bot cannot see it (private channels need an invite)',
  invalid_auth: 'subscriptions.slack.botToken is not valid',
  not_authed: 'subscriptions.slack.botToken is missing',
  missing_scope: 'the bot token needs the chat:write scope',
  is_archived: 'the channel is archived',
};

export function createChatPoster(platform: ChatPlatform, settings: SubscriptionsConfig, deps: Deps): ChatPoster {
  if (platform === 'slack') return slackPoster(settings.slack.apiUrl, settings.slack.botToken ?? '', deps);
  if (platform === 'discord') return discordPoster(settings.discord.apiUrl, settings.discord.botToken ?? '', deps);
  return mattermostPoster(settings.mattermost.url ?? '', settings.mattermost.botToken ?? '', deps);
}

function slackPoster(apiUrl: string, token: string, deps: Deps): ChatPoster {
  const call = async (method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const { json } = await callJsonApi(deps, { url: `${apiUrl.replace(/\/+$/, '')}/${method}`, token, body });
    if (json.ok === true) return json;
    const error = typeof json.error === 'string' ? json.error : 'unknown_error';
    if (error === 'ratelimited' || error === 'internal_error' || error === 'service_unavailable')
      throw new RetryableError(`Slack ${method}: ${error}`, 5_000);
    throw new PermanentError(`Slack ${method}: ${error}${SLACK_HINTS[error] ? ` (${SLACK_HINTS[error]})` : ''}`);
  };
  return {
    async post(channel, card, parent) {
      const json = await call('chat.postMessage', {
        channel,
        ...slackCard(card),
        unfurl_links: false,
        unfurl_media: false,
        ...(parent ? { thread_ts: parent } : {}),
      });
      return toText(json.ts);
    },
    async reply(channel, text, parent) {
      const json = await call('chat.postMessage', { channel, text: slackEscape(text), thread_ts: parent, unfurl_links: false });
      return toText(json.ts);
    },
    async update(channel, id, card) {
      await call('chat.update', { channel, ts: id, ...slackCard(card) });
    },
  };
}

/** https://discord.com/developers/docs/resources/message#create-message */
function discordPoster(apiUrl: string, token: string, deps: Deps): ChatPoster {
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

/** https://api.mattermost.com/#tag/posts/operation/CreatePost */
function mattermostPoster(serverUrl: string, token: string, deps: Deps): ChatPoster {
  const base = `${serverUrl.replace(/\/+$/, '')}/api/v4/posts`;
  const create = async (body: Record<string, unknown>) => toText((await callJsonApi(deps, { url: base, token, body })).json.id);
  return {
    post: (channel, card, parent) =>
      create({ channel_id: channel, message: '', props: { attachments: [mattermostCard(card)] }, ...(parent ? { root_id: parent } : {}) }),
    reply: (channel, text, parent) => create({ channel_id: channel, message: text, root_id: parent }),
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
