import { z } from 'zod';
import { BooleanLikeSchema } from '../../config/units.ts';

const FieldSchema = z.strictObject({
  title: z.string(),
  value: z.string(),
  short: BooleanLikeSchema.optional(),
});

/** `notify` params: a message to a named channel from hookhub.yaml. String fields are templates. */
export const NotifyParamsSchema = z.strictObject({
  channel: z.string().min(1),
  text: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  /** `#rrggbb` or `good` / `warning` / `danger`. */
  color: z.string().optional(),
  fields: z.array(FieldSchema).max(100).optional(),
});
export type NotifyParams = z.output<typeof NotifyParamsSchema>;
export type NotifyField = z.output<typeof FieldSchema>;

const NAMED_COLORS: Readonly<Record<string, string>> = { good: '#2eb67d', warning: '#ecb22e', danger: '#e01e5a' };

/** `#rrggbb` for a param color, or undefined when absent or not a color. */
export function hexColor(color: string | undefined): string | undefined {
  if (color === undefined) return undefined;
  const named = NAMED_COLORS[color.toLowerCase()];
  if (named) return named;
  return /^#?[0-9a-f]{6}$/i.test(color) ? `#${color.replace('#', '').toLowerCase()}` : undefined;
}

/**
 * Params with a `url` that is no absolute http(s) link (a template that rendered `example.com/x`, a
 * relative path, `javascript:`) moved to the end of the text. Discord and Slack refuse a whole message
 * whose link is malformed (HTTP 400, a permanent failure), so the notification would be lost; and an
 * email's link must not run script.
 */
export function withLinkableUrl(params: NotifyParams): NotifyParams {
  if (params.url === undefined || params.url === '' || isHttpLink(params.url)) return params;
  const { url, ...rest } = params;
  return { ...rest, text: params.text === '' ? url : `${params.text}\n${url}` };
}

function isHttpLink(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
