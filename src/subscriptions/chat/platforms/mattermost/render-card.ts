import { quietMentions } from '../../../../shared/quiet-mentions.ts';
import { cardLink, type Card } from '../../../cards/card.ts';

/**
 * A card as a Mattermost message attachment. https://developers.mattermost.com/integrate/reference/message-attachments/
 * Mattermost notifies the mentions in an attachment's text and field values, which quote the event (a PR
 * title, a comment), so those are quieted; titles and footers notify nobody.
 */
export function mattermostCard(card: Card): Record<string, unknown> {
  return {
    fallback: card.title,
    color: card.color ?? '#6e7781',
    title: card.title,
    ...(cardLink(card.url) ? { title_link: cardLink(card.url) } : {}),
    ...(card.text ? { text: quietMentions(card.text) } : {}),
    fields: card.fields.map((f) => ({ title: f.title, value: quietMentions(f.value), short: f.short !== false })),
    ...(card.context ? { footer: card.context } : {}),
  };
}
