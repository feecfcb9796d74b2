import { PermanentError, RetryableError } from '../../../../errors.ts';
import { toText } from '../../../../rules/template-helpers.ts';
import type { ChatPoster } from '../../chat-poster.ts';
import { callJsonApi } from '../../json-api.ts';
import type { ChatDeps } from '../chat-platform.ts';
import { slackCard, slackEscape } from './render-card.ts';

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

export function slackPoster(apiUrl: string, token: string, deps: ChatDeps): ChatPoster {
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
