import type { Card } from '../../../cards/card.ts';

/** A card as a Mattermost message attachment. https://developers.mattermost.com/integrate/reference/message-attachments/ */
export function mattermostCard(card: Card): Record<string, unknown> {
  return {
    fallback: card.title,
    color: card.color ?? '#6e7781',
    title: card.title,
    ...(card.url ? { title_link: card.url } : {}),
    ...(card.text ? { text: card.text } : {}),
    fields: card.fields.map((f) => ({ title: f.title, value: f.value, short: f.short !== false })),
    ...(card.context ? { footer: card.context } : {}),
  };
}
