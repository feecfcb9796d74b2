import type { z } from 'zod';
import type { ActionDeps, ActionResult } from '../../../actions/action.ts';
import type { HubEvent } from '../../../events/hub-event.ts';
import type { Card } from '../../cards/card.ts';
import type { CommandReply } from '../../commands/handle-command.ts';
import type { SubscriptionsConfig } from '../../settings.ts';
import type { ChatPoster } from '../chat-poster.ts';
import type { ChatRequest } from '../chat-request.ts';

export type ChatDeps = Pick<ActionDeps, 'fetch' | 'now' | 'signal'>;

/** Where a command's event came from and how its answer goes back: the route to the command rule. */
export interface CommandEvents {
  types: string[];
  /** For a platform whose event type does not name the command: narrows its types to it. */
  when?: Record<string, unknown>;
}

/**
 * One chat platform, registered under its name in `./index.ts`. The name is also the platform's
 * connector type (`connectors/<name>` verifies its commands and acknowledges them within the
 * platform's deadline), its `subscriptions.<name>` settings block and its allow-list prefix.
 */
export interface ChatPlatform<Target extends { platform: string } = { platform: string }, Settings extends z.ZodType = z.ZodType> {
  /** The platform's name in messages: `Slack`. */
  label: string;
  /** `subscriptions.<name>` in hookhub.yaml: how the hub reaches the platform's API. */
  settings: Settings;
  /** What ids look like, for allow lists: names never have this shape, so a name cannot slip in. */
  ids: { shape: RegExp; howToFind: string; example(kind: 'user' | 'channel'): string };
  commandEvents(command: string): CommandEvents;
  /** A verified command event as the command handler reads it; undefined when it is not this platform's command. */
  parseRequest(event: HubEvent, command: string): ChatRequest | undefined;
  /** Why the command's reply target may not be used (it came with the request), or undefined when it may. */
  replyProblem(target: Target, settings: SubscriptionsConfig): string | undefined;
  /** Answers the command after its connector acknowledged it. */
  reply(target: Target, reply: CommandReply, deps: ChatDeps, settings: SubscriptionsConfig): Promise<ActionResult>;
  /** Whether the settings let the hub post with the platform's API. */
  hasApiAccess(settings: SubscriptionsConfig): boolean;
  /** The settings API access needs, as the delivery warning names them. */
  apiAccessSettings: string;
  poster(settings: SubscriptionsConfig, deps: ChatDeps): ChatPoster;
  /** A card in the platform's own message format. */
  renderCard(card: Card): Record<string, unknown>;
}
