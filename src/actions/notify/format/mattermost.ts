import { hexColor, type NotifyParams } from '../notify-params.ts';
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
 */
export function formatMattermost(params: NotifyParams, options: MattermostOptions = {}): Record<string, unknown> {
  const text = truncate(params.text, MATTERMOST_LIMITS.text);
  const fields = (params.fields ?? []).slice(0, MATTERMOST_LIMITS.fields).map((field) => ({
    title: truncate(field.title, 200),
    value: truncate(field.value, MATTERMOST_LIMITS.fieldValue),
    short: field.short ?? false,
  }));
  const color = hexColor(params.color);
  const attachment = {
    fallback: truncate(params.title ? `${params.title}: ${params.text}` : params.text, 1_000),
    ...(color ? { color } : {}),
    ...(params.title ? { title: truncate(params.title, MATTERMOST_LIMITS.title) } : {}),
    ...(params.url && params.title ? { title_link: params.url } : {}),
    text,
    ...(fields.length > 0 ? { fields } : {}),
  };
  return {
    ...(options.username ? { username: options.username } : {}),
    ...(options.iconUrl ? { icon_url: options.iconUrl } : {}),
    ...(params.url && !params.title ? { text: params.url } : {}),
    attachments: [attachment],
  };
}
