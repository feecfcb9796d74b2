import type { ActionContext, ActionResult } from '../../actions/action.ts';
import { notifyAction } from '../../actions/notify/index.ts';
import { PermanentError } from '../../errors.ts';
import { cardLink, type Card } from '../cards/card.ts';
import { createChatPoster } from './chat-poster.ts';
import { deliveryProblem, deliveryRoute } from './delivery-check.ts';
import type { SubscriptionsConfig } from '../settings.ts';
import type { ChatChannel } from '../subscription.ts';

/**
 * Posts one card (no thread) to a chat channel: with the platform's API and bot token, or through
 * the hookhub channel it is mapped to under `subscriptions.channels`.
 */
export async function postCard(channel: ChatChannel, card: Card, ctx: ActionContext, settings: SubscriptionsConfig): Promise<ActionResult> {
  const route = deliveryRoute(channel, settings);
  if (route.kind === 'none') throw new PermanentError(deliveryProblem(channel, settings) ?? 'no route to the channel');
  if (route.kind === 'channel') {
    const params = {
      channel: route.name,
      title: card.title,
      text: card.text || card.context || card.title,
      ...(cardLink(card.url) ? { url: cardLink(card.url) } : {}),
      ...(card.color ? { color: card.color } : {}),
      fields: card.fields,
    };
    return notifyAction.execute(params, ctx);
  }
  return { status: 200, response: `posted ${await createChatPoster(channel.platform, settings, ctx).post(channel.id, card)}` };
}
