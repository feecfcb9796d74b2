import type { ChatPlatform } from './chat-platform.ts';
import { discordPlatform } from './discord/index.ts';
import { mattermostPlatform } from './mattermost/index.ts';
import { slackPlatform } from './slack/index.ts';

/**
 * Every chat platform subscriptions work on, by name. An explicit map: adding a platform means
 * its folder here and one line below (no if-chains on the name elsewhere).
 */
export const chatPlatforms = {
  slack: slackPlatform,
  discord: discordPlatform,
  mattermost: mattermostPlatform,
};

export type ChatPlatformName = keyof typeof chatPlatforms;

type TargetOf<P> = P extends ChatPlatform<infer Target> ? Target : never;

/** Where the result of a command goes: a platform's own reply target. */
export type ReplyTarget = TargetOf<(typeof chatPlatforms)[ChatPlatformName]>;

export const chatPlatformNames = Object.keys(chatPlatforms) as ChatPlatformName[];

/** The platform a reply target belongs to, typed to take it. */
export function platformOf(target: ReplyTarget): ChatPlatform<ReplyTarget> {
  return chatPlatforms[target.platform];
}
