import { hexColor, type NotifyParams } from '../notify-params.ts';
import { truncate } from '../../../shared/truncate.ts';

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const DISCORD_LIMITS = {
  content: 2_000,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  /** Sum of all title, description, field name/value, footer and author text in a message. */
  total: 6_000,
} as const;

/** Webhook payload with one embed. Mentions are disabled so event text can't ping @everyone. */
export function formatDiscord(params: NotifyParams): Record<string, unknown> {
  const title = params.title ? truncate(params.title, DISCORD_LIMITS.title) : undefined;
  let budget = DISCORD_LIMITS.total - (title?.length ?? 0);
  const fields: { name: string; value: string; inline: boolean }[] = [];
  const wanted = params.fields ?? [];
  // Fields come after the description in the budget: reserve room for them first, then fit the text.
  const fieldBudget = Math.min(budget - Math.min(params.text.length, 1_000), 3_000);
  let fieldSpent = 0;
  for (const field of wanted.slice(0, DISCORD_LIMITS.fields)) {
    const name = truncate(field.title || '\u200b', DISCORD_LIMITS.fieldName);
    const value = truncate(field.value || '\u200b', DISCORD_LIMITS.fieldValue);
    if (fieldSpent + name.length + value.length > fieldBudget) break;
    fieldSpent += name.length + value.length;
    fields.push({ name, value, inline: field.short ?? false });
  }
  budget -= fieldSpent;
  const description = truncate(params.text, Math.min(DISCORD_LIMITS.description, budget));
  const color = hexColor(params.color);
  const embed: Record<string, unknown> = {
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    ...(params.url && title ? { url: params.url } : {}),
    ...(color ? { color: Number.parseInt(color.slice(1), 16) } : {}),
    ...(fields.length > 0 ? { fields } : {}),
  };
  const payload: Record<string, unknown> = { embeds: [embed], allowed_mentions: { parse: [] } };
  // An embed's url only works with a title; otherwise put the link in content.
  if (params.url && !title) payload.content = truncate(params.url, DISCORD_LIMITS.content);
  return payload;
}
