import { cardLink, type Card } from '../../../cards/card.ts';
import { escapedWithin, escapeMrkdwn } from '../../../../actions/notify/format/slack.ts';
import { clip } from '../clip.ts';

/** Slack needs `&`, `<` and `>` escaped in mrkdwn (the notify action's escaping). */
export const slackEscape = escapeMrkdwn;

/** A card as a Slack message: fallback text plus a coloured attachment holding Block Kit blocks. */
export function slackCard(card: Card): { text: string; attachments: Record<string, unknown>[] } {
  const link = cardLink(card.url);
  // In `<url|label>` a `|` ends the URL: it is percent-encoded there, and shown as ¦ in the label.
  const title = link
    ? `*<${slackEscape(link).replace(/\|/g, '%7C')}|${slackEscape(card.title).replace(/\|/g, '¦')}>*`
    : `*${slackEscape(card.title)}*`;
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${title}${card.text ? `\n${slackEscape(card.text)}` : ''}`, 3000) } },
  ];
  const fields = card.fields
    .slice(0, 10)
    .map((f) => ({ type: 'mrkdwn', text: clip(`*${slackEscape(f.title)}*\n${slackEscape(f.value)}`, 2000) }));
  if (fields.length > 0) blocks.push({ type: 'section', fields });
  if (card.context) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(slackEscape(card.context), 3000) }] });
  // Shown above the attachment, as mrkdwn: a PR title must not ping <!channel> or hide a link.
  return { text: escapedWithin(card.title, 3000), attachments: [{ color: card.color ?? '#6e7781', blocks }] };
}
