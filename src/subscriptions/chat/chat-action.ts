import type { Logger } from 'pino';
import { z } from 'zod';
import type { Action, ActionContext, ActionResult } from '../../actions/action.ts';
import type { BusKv } from '../../bus/event-bus.ts';
import { PermanentError } from '../../errors.ts';
import type { HubEvent } from '../../events/hub-event.ts';
import { digestLines, type Digest } from '../../noise/digest.ts';
import type { NoiseGate } from '../../noise/noise-gate.ts';
import { NoiseSpecSchema, type NoiseSpec } from '../../noise/noise-spec.ts';
import type { Card, ChatMessage } from '../cards/card.ts';
import { createChatPoster } from './chat-poster.ts';
import { chatMessageFor } from '../cards/chat-message.ts';
import { deliveryRoute } from './delivery-check.ts';
import { postCard } from './post-card.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import type { Subscription } from '../subscription.ts';
import { channelKey, type SubscriptionStore } from '../subscription-store.ts';
import { postThreaded, THREADS_BUCKET } from './threads.ts';

export const CHAT_ACTION = 'chat';

const ChatParamsSchema = z.strictObject({
  subscription: z.string().min(1),
  to: z.string().min(1).optional(),
  feature: z.string().min(1),
  defaultBranchOnly: z.boolean().optional(),
  /** Added by the noise layer when it sends a group as one digest. */
  digest: z.custom<Digest>((v) => v !== null && typeof v === 'object').optional(),
});
type ChatParams = z.output<typeof ChatParamsSchema>;

export interface ChatActionDeps {
  store: SubscriptionStore;
  gate: NoiseGate;
  /** Where thread roots are kept. The event comes from `ctx.event()`. */
  bus: BusKv;
  settings: SubscriptionsConfig;
}

/**
 * `chat`: delivers an event to the channel of a subscription — through the platform API with a
 * bot token (rich cards, PR/issue threads), or a mapped hookhub channel — after noise control
 * (mutes from chat, the subscription's or default group/throttle/activeHours).
 */
export function createChatAction(deps: ChatActionDeps): Action<ChatParams> {
  return {
    type: CHAT_ACTION,
    paramsSchema: ChatParamsSchema,
    rawParams: ['digest'],
    sendsDigests: true,
    // Chat APIs limit per channel (Slack: about one message a second), so the channel is the destination.
    destination: (params) => `chat:${params.to ?? params.subscription}`,
    async execute(params, ctx) {
      const event = params.digest ? undefined : await ctx.event();
      const sub = await deps.store.get(params.subscription);
      if (!sub) return { status: 204, response: 'the subscription was removed' };
      if (!params.digest && params.defaultBranchOnly && event && !onDefaultBranch(event))
        return { status: 204, response: 'not the default branch' };
      const verdict = await deps.gate.admit(noiseOf(sub, deps.settings, ctx.log), {
        scope: sub.id,
        job: ctx.job,
        event,
        muteScopes: [channelKey(sub.channel)],
      });
      if (!verdict.send)
        return {
          status: 202,
          response: `${verdict.reason}${'flushAt' in verdict ? ` until ${verdict.flushAt}` : verdict.until ? ` until ${verdict.until}` : ''}`,
        };
      if (!params.digest && !event) throw new PermanentError(`event ${ctx.job.eventId} is no longer stored`);
      const message: ChatMessage = params.digest ? { card: digestCard(params.digest) } : chatMessageFor(event as HubEvent);
      return deliver(sub, message, event, ctx, deps);
    },
  };
}

async function deliver(
  sub: Subscription,
  message: ChatMessage,
  event: HubEvent | undefined,
  ctx: ActionContext,
  deps: ChatActionDeps,
): Promise<ActionResult> {
  if (!message.thread || deliveryRoute(sub.channel, deps.settings).kind !== 'api')
    return postCard(sub.channel, message.card, ctx, deps.settings);
  const poster = createChatPoster(sub.channel.platform, deps.settings, ctx);
  const opening = event !== undefined && /\.(opened|open)$/.test(event.type);
  const input = {
    scope: channelKey(sub.channel),
    channel: sub.channel.id,
    message: message as Required<ChatMessage>,
    opening,
    now: ctx.now().getTime(),
  };
  return { status: 200, response: `posted ${await postThreaded(poster, deps.bus.kv(THREADS_BUCKET), input)}` };
}

/**
 * The subscription's noise settings over the defaults. Settings stored invalid (by an older version, or
 * edited in the bucket) fall back to the defaults, so its messages still go out, with a warning on every
 * message naming the subscription, since nothing else would tell the operator.
 */
function noiseOf(sub: Subscription, settings: SubscriptionsConfig, log: Logger): NoiseSpec | undefined {
  if (!sub.noise) return settings.defaults;
  const own = NoiseSpecSchema.safeParse(sub.noise);
  if (own.success) return { ...settings.defaults, ...own.data };
  log.warn(
    { subscription: sub.id, channel: channelKey(sub.channel), problems: own.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    'chat: the noise settings stored for this subscription are invalid; the defaults are used instead (subscribe again with group: or throttle: options to replace them)',
  );
  return settings.defaults;
}

/** GitHub has `repository.default_branch`, GitLab `project.default_branch`; unknown counts as default. */
function onDefaultBranch(event: HubEvent): boolean {
  const data = event.data as
    { ref?: unknown; repository?: { default_branch?: unknown }; project?: { default_branch?: unknown } } | undefined;
  const branch = data?.repository?.default_branch ?? data?.project?.default_branch;
  return typeof branch !== 'string' || data?.ref === `refs/heads/${branch}`;
}

function digestCard(digest: Digest): Card {
  return { title: `${digest.count} events: ${digest.key}`, text: digestLines(digest).join('\n'), fields: [] };
}
