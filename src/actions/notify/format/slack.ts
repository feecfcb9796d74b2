import { hexColor, type NotifyParams } from '../notify-params.ts';
import { truncate } from '../../../shared/truncate.ts';

/** Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3_000,
  fieldText: 2_000,
  fieldsPerSection: 10,
  blocks: 50,
  buttonUrl: 3_000,
  /** Top-level `text` is truncated by Slack past 40,000 characters. */
  fallbackText: 40_000,
} as const;

/** Escapes the three characters Slack's mrkdwn treats as control: https://docs.slack.dev/messaging/formatting-message-text#escaping */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Incoming-webhook payload: Block Kit blocks plus a plain `text` fallback for notifications. */
export function formatSlack(params: NotifyParams): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [];
  if (params.title) {
    blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(params.title, SLACK_LIMITS.headerText), emoji: true } });
  }
  for (const chunk of sectionChunks(params.text)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  }
  const fields = params.fields ?? [];
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
    const group = fields.slice(i, i + SLACK_LIMITS.fieldsPerSection).map((field) => ({
      type: 'mrkdwn',
      text: truncate(`*${escapeMrkdwn(field.title)}*\n${escapeMrkdwn(field.value)}`, SLACK_LIMITS.fieldText),
    }));
    blocks.push({ type: 'section', fields: group });
  }
  if (params.url && params.url.length <= SLACK_LIMITS.buttonUrl) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: params.url }] });
  }
  const kept = capBlocks(blocks);
  // mrkdwn too: with a colour it is the text Slack shows, and event text in it could ping <!channel>.
  const fallback = escapedWithin(params.title ? `${params.title}: ${params.text}` : params.text, SLACK_LIMITS.fallbackText);
  const color = hexColor(params.color);
  // Only legacy attachments carry a colour bar; Slack renders blocks inside them.
  if (color) return { text: fallback, attachments: [{ color, blocks: kept, fallback }] };
  return { text: fallback, blocks: kept };
}

/** Escaped, then cut to `max` without leaving half an entity (`&am…`) before the ellipsis. */
export function escapedWithin(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max).replace(/&[a-z]*…$/, '…');
}

/** Long text becomes up to 3 sections of 3000 characters; past that it is truncated. */
function sectionChunks(text: string): string[] {
  const escaped = escapeMrkdwn(text.length > 9_000 ? truncate(text, 9_000) : text);
  if (escaped.length === 0) return [];
  const chunks: string[] = [];
  let rest = escaped;
  while (rest.length > 0 && chunks.length < 3) {
    const piece = chunks.length === 2 ? truncate(rest, SLACK_LIMITS.sectionText) : cut(rest, SLACK_LIMITS.sectionText);
    chunks.push(piece);
    rest = chunks.length === 3 ? '' : rest.slice(piece.length).trimStart();
  }
  return chunks;
}

/** Splits at a newline or space near the limit without breaking an escape (&amp;) or surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp > end - 6 && text.indexOf(';', amp) >= end) end = amp;
  const brk = Math.max(text.lastIndexOf('\n', end), text.lastIndexOf(' ', end));
  return text.slice(0, brk > end * 0.8 ? brk : end);
}

function capBlocks(blocks: Record<string, unknown>[]): Record<string, unknown>[] {
  if (blocks.length <= SLACK_LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, SLACK_LIMITS.blocks - 1);
  kept.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${blocks.length - kept.length} more` }] });
  return kept;
}
