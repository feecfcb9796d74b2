import type { Card } from './card.ts';

/** Slack needs `&`, `<` and `>` escaped in mrkdwn. https://api.slack.com/reference/surfaces/formatting#escaping */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A card as a Slack message: fallback text plus a coloured attachment holding Block Kit blocks. */
export function slackCard(card: Card): { text: string; attachments: Record<string, unknown>[] } {
  const title = card.url ? `*<${card.url}|${slackEscape(card.title).replace(/\|/g, '¦')}>*` : `*${slackEscape(card.title)}*`;
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${title}${card.text ? `\n${slackEscape(card.text)}` : ''}`, 3000) } },
  ];
  const fields = card.fields
    .slice(0, 10)
    .map((f) => ({ type: 'mrkdwn', text: clip(`*${slackEscape(f.title)}*\n${slackEscape(f.value)}`, 2000) }));
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  if (card.context) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(slackEscape(card.context), 3000) }] });
  return { text: clip(card.title, 3000), attachments: [{ color: card.color ?? '#6e7781', blocks }] };
}

/** A card as a Discord embed. Limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export function discordCard(card: Card): Record<string, unknown> {
  return {
    title: clip(card.title, 256),
    ...(card.url ? { url: card.url } : {}),
    ...(card.text ? { description: clip(card.text, 4096) } : {}),
    color: Number.parseInt((card.color ?? '#6e7781').slice(1), 16),
    fields: card.fields.slice(0, 25).map((f) => ({ name: clip(f.title, 256), value: clip(f.value, 1024), inline: f.short !== false })),
    ...(card.context ? { footer: { text: clip(card.context, 2048) } } : {}),
  };
}

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

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
