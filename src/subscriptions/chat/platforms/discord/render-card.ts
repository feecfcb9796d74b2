import { cardLink, type Card } from '../../../cards/card.ts';
import { clip } from '../clip.ts';

/** A card as a Discord embed. Limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export function discordCard(card: Card): Record<string, unknown> {
  return {
    title: clip(card.title, 256),
    ...(cardLink(card.url) ? { url: cardLink(card.url) } : {}),
    ...(card.text ? { description: clip(card.text, 4096) } : {}),
    color: Number.parseInt((card.color ?? '#6e7781').slice(1), 16),
    fields: card.fields.slice(0, 25).map((f) => ({ name: clip(f.title, 256), value: clip(f.value, 1024), inline: f.short !== false })),
    ...(card.context ? { footer: { text: clip(card.context, 2048) } } : {}),
  };
}
