import type { ActionResult } from '../../../actions/action.ts';
import { postJson } from '../../../actions/runtime/send-http.ts';
import type { HubEvent } from '../../../events/hub-event.ts';
import type { CommandReply } from '../../commands/handle-command.ts';
import type { ChatRequest } from '../chat-request.ts';
import type { ChatDeps } from './chat-platform.ts';
import type { ChatPlatformName, ReplyTarget } from './index.ts';
import { str, withOptional } from './payload-fields.ts';

/** A slash command's reply goes to the `response_url` it came with. */
export interface ResponseUrlTarget<P extends ChatPlatformName> {
  platform: P;
  responseUrl: string;
}

/**
 * Reads a `<platform>.command.<command>` event made from a slash-command form (Slack and
 * Mattermost send the same fields). Undefined for other events.
 * https://api.slack.com/interactivity/slash-commands#app_command_handling
 * https://developers.mattermost.com/integrate/slash-commands/custom/
 */
export function slashCommandRequest<P extends ChatPlatformName>(platform: P, event: HubEvent, command: string): ChatRequest | undefined {
  if (event.type !== `${platform}.command.${command}`) return undefined;
  const data = event.data;
  const channelId = str(data, 'channel_id');
  const userId = str(data, 'user_id');
  if (!channelId || !userId) return undefined;
  const responseUrl = str(data, 'response_url');
  return {
    channel: withOptional(
      { platform, connector: event.connector, id: channelId },
      { team: str(data, 'team_id'), name: str(data, 'channel_name') },
    ),
    user: withOptional({ id: userId }, { name: str(data, 'user_name') }),
    text: str(data, 'text') ?? '',
    reply: responseUrl ? ({ platform, responseUrl } satisfies ResponseUrlTarget<P> as ReplyTarget) : undefined,
  };
}

export function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Where a `response_url` points when that is none of the `allowed` origins, or undefined when it
 * is one of them. It comes from the request: a leaked command token must not turn the hub into
 * a POST relay.
 */
export function foreignHost(responseUrl: string, allowed: readonly (string | undefined)[]): string | undefined {
  const origin = originOf(responseUrl);
  if (origin !== undefined && allowed.includes(origin)) return undefined;
  return origin ?? 'an invalid URL';
}

/** Posts the result to the `response_url`, seen by everyone or by the sender only. */
export function postToResponseUrl(
  target: ResponseUrlTarget<ChatPlatformName>,
  reply: CommandReply,
  text: string,
  deps: ChatDeps,
): Promise<ActionResult> {
  const responseType = reply.visibility === 'channel' ? 'in_channel' : 'ephemeral';
  return postJson(deps, target.responseUrl, { response_type: responseType, text });
}
