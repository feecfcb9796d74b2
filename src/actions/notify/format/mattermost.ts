import { hexColor, type NotifyParams } from '../notify-params.ts';
import { quietMentions } from '../../../shared/quiet-mentions.ts';
import { truncate } from '../../../shared/truncate.ts';

/** Mattermost's default max post size is 16383 characters; attachment text counts towards it. */
export const MATTERMOST_LIMITS = { text: 16_383, title: 1_000, fields: 20, fieldValue: 2_000 } as const;

export interface MattermostOptions {
  username?: string | undefined;
  iconUrl?: string | undefined;
}

/**
 * Incoming-webhook payload with a Slack-compatible attachment (title link, colour, fields).
 * https://developers.mattermost.com/integrate/webhooks/incoming/
 * Mattermost notifies the @-mentions in a post's message and in its attachments' pretext, text and field
 * values, so event text there is quieted (quietMentions); titles and fallbacks notify nobody. A link without
 * a title becomes the title rather than the message, where a link from the event (`…/@channel`) could mention.
 */
export function formatMattermost(params: NotifyParams, options: MattermostOptions = {}): Record<string, unknown> {
  const text = truncate(quietMentions(params.text), MATTERMOST_LIMITS.text);
  const fields = (params.fields ?? []).slice(0, MATTERMOST_LIMITS.fields).map((field) => ({
    title: truncate(field.title, 200),
    value: truncate(quietMentions(field.value), MATTERMOST_LIMITS.fieldValue),
    short: field.short ?? false,
  }));
  const color = hexColor(params.color);
  const title = params.title || params.url;
  const attachment = {
    fallback: truncate(params.title ? `${params.title}: ${params.text}` : params.text, 1_000),
    ...(color ? { color } : {}),
    ...(title ? { title: truncate(title, MATTERMOST_LIMITS.title) } : {}),
    ...(params.url ? { title_link: params.url } : {}),
    text,
    ...(fields.length > 0 ? { fields } : {}),
  };
  return {
    ...(options.username ? { username: options.username } : {}),
    ...(options.iconUrl ? { icon_url: options.iconUrl } : {}),
    attachments: [attachment],
  };
}
