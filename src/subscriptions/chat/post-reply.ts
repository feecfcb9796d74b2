import type { ActionDeps, ActionResult } from '../../actions/action.ts';
import { postJson, sendHttp } from '../../actions/runtime/send-http.ts';
import type { ReplyTarget } from './chat-request.ts';
import type { CommandReply } from '../commands/handle-command.ts';

/**
 * Posts a command's result after the connector has acknowledged the command, through the
 * SSRF-guarded fetch: Slack and Mattermost `response_url`, or Discord's interaction webhook
 * (editing the deferred "thinking…" message).
 * https://api.slack.com/interactivity/handling#message_responses
 * https://developers.mattermost.com/integrate/slash-commands/custom/#delayed-responses
 * https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response
 */
export function postReply(
  target: ReplyTarget,
  reply: CommandReply,
  deps: Pick<ActionDeps, 'fetch' | 'now' | 'signal'>,
  discordApiUrl: string,
): Promise<ActionResult> {
  if (target.platform === 'discord') {
    const url = `${discordApiUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(target.applicationId)}/${encodeURIComponent(target.token)}/messages/@original`;
    const body = JSON.stringify({ content: toDiscordMarkdown(reply.text).slice(0, 2000), allowed_mentions: { parse: [] } });
    return sendHttp(deps, { url, method: 'PATCH', headers: { 'content-type': 'application/json' }, body });
  }
  const responseType = reply.visibility === 'channel' ? 'in_channel' : 'ephemeral';
  const text = target.platform === 'mattermost' ? toMattermostMarkdown(reply.text) : reply.text;
  return postJson(deps, target.responseUrl, { response_type: responseType, text });
}

/** Slack's `*bold*` is Markdown's `**bold**` on Discord and Mattermost. */
function toDiscordMarkdown(text: string): string {
  return text.replace(/(^|\s)\*([^*\n]+)\*(?=\s|$|[.,:;])/g, '$1**$2**');
}

function toMattermostMarkdown(text: string): string {
  return toDiscordMarkdown(text).replace(/:warning:/g, '⚠️');
}
