import type { ActionResult } from '../../actions/action.ts';
import type { CommandReply } from '../commands/handle-command.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import type { ChatDeps } from './platforms/chat-platform.ts';
import { platformOf, type ReplyTarget } from './platforms/index.ts';

/**
 * Posts a command's result after the connector has acknowledged the command, through the
 * SSRF-guarded fetch, the way its platform answers commands (a `response_url`, an interaction webhook).
 */
export function postReply(target: ReplyTarget, reply: CommandReply, deps: ChatDeps, settings: SubscriptionsConfig): Promise<ActionResult> {
  return platformOf(target).reply(target, reply, deps, settings);
}
