import type { HubEvent } from '../../events/hub-event.ts';
import type { ChatChannel, ChatUser } from '../subscription.ts';
import { chatPlatforms, type ReplyTarget } from './platforms/index.ts';

/** A slash command from any chat platform, as the command handler sees it. */
export interface ChatRequest {
  channel: ChatChannel;
  user: ChatUser;
  /** The words after the command. */
  text: string;
  reply: ReplyTarget | undefined;
}

/** Reads a verified command event with its platform's adapter. Undefined when the event is not one of ours. */
export function chatRequestFrom(event: HubEvent, command: string): ChatRequest | undefined {
  for (const platform of Object.values(chatPlatforms)) {
    const request = platform.parseRequest(event, command);
    if (request) return request;
  }
  return undefined;
}
