import type { HubEvent } from '../../events/hub-event.ts';
import { genericCard, type ChatMessage } from './card.ts';
import { githubMessage } from './github.ts';
import { gitlabMessage } from './gitlab.ts';
import { razorpayCard, stripeCard } from './payments.ts';

/** The message for one event, by provider (the first segment of its type). */
export function chatMessageFor(event: HubEvent): ChatMessage {
  const provider = event.type.split('.')[0];
  if (provider === 'github') return githubMessage(event);
  if (provider === 'gitlab') return gitlabMessage(event);
  if (provider === 'stripe') return { card: stripeCard(event) };
  if (provider === 'razorpay') return { card: razorpayCard(event) };
  return { card: genericCard(event) };
}
