import type { Card } from '../cards/card.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import type { ChatDeps } from './platforms/chat-platform.ts';
import { chatPlatforms, type ChatPlatformName } from './platforms/index.ts';

/** Posts cards to a channel with the platform's API and a bot token; `parent` threads a reply. */
export interface ChatPoster {
  post(channel: string, card: Card, parent?: string): Promise<string>;
  /** A plain-text reply in a thread. */
  reply(channel: string, text: string, parent: string): Promise<string>;
  update(channel: string, id: string, card: Card): Promise<void>;
}

export function createChatPoster(platform: ChatPlatformName, settings: SubscriptionsConfig, deps: ChatDeps): ChatPoster {
  return chatPlatforms[platform].poster(settings, deps);
}
