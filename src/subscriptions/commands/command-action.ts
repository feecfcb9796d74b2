import { z } from 'zod';
import type { Action } from '../../actions/action.ts';
import { PermanentError } from '../../errors.ts';
import type { MuteStore } from '../../noise/mutes.ts';
import { chatRequestFrom } from '../chat/chat-request.ts';
import type { CommandExtension } from './command-extension.ts';
import { handleChatCommand } from './handle-command.ts';
import { postReply } from '../chat/post-reply.ts';
import { replyTargetProblem } from '../chat/reply-hosts.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import type { SubscriptionStore } from '../subscription-store.ts';
import type { SubscriptionScope } from '../scope/subscription-scope.ts';

export const SUBSCRIPTION_COMMAND_ACTION = 'subscription-command';

const CommandParamsSchema = z.strictObject({
  /** `<connector>:<channel id>` (rendered from the command event): the destination for limits and breakers. */
  replyTo: z.string().optional(),
});
type CommandParams = z.output<typeof CommandParamsSchema>;

export interface CommandActionDeps {
  store: SubscriptionStore;
  mutes: MuteStore;
  settings: SubscriptionsConfig;
  /** What subscriptions may relay, per team. */
  scope: SubscriptionScope;
  /** Verbs other features add to the command. */
  commands?: readonly CommandExtension[];
  /** Recompile this process's subscription rules at once. */
  onChange?: () => Promise<void> | void;
}

/**
 * Runs a chat slash command delivered as a job (the built-in command rule routes each chat
 * platform's command events here),
 * then posts the result. Retries are safe: every command is idempotent per channel and target.
 */
export function createSubscriptionCommandAction(deps: CommandActionDeps): Action<CommandParams> {
  return {
    type: SUBSCRIPTION_COMMAND_ACTION,
    paramsSchema: CommandParamsSchema,
    // Per chat channel, so one expired response_url cannot trip a breaker for everyone's replies.
    destination: (params) => `chat-replies:${params.replyTo ?? 'any'}`,
    async execute(_params, ctx) {
      const event = await ctx.event();
      const request = event ? chatRequestFrom(event, deps.settings.command) : undefined;
      if (!request) return { status: 204, response: 'not a chat command for hookhub' };
      // Checked before the command runs: a request whose reply would go elsewhere is not acted on.
      const problem = request.reply && replyTargetProblem(request.reply, deps.settings);
      if (problem) throw new PermanentError(problem);
      const reply = await handleChatCommand(request, { ...deps, now: ctx.now });
      if (!request.reply) return { status: 204, response: `no way to reply: ${reply.text.slice(0, 200)}` };
      return postReply(request.reply, reply, ctx, deps.settings);
    },
  };
}
