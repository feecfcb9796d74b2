import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';
import { parseJsonObject } from '../shared/json-body.ts';
import { checkUtf8Form } from '../shared/utf8-body.ts';
import { PayloadError } from '../../src/errors.ts';

/** What a verified Slack request carries. */
export type SlackBody =
  /** Events API (`event_callback`, `url_verification`, `app_rate_limited`): a JSON object. */
  | { kind: 'events'; payload: Record<string, unknown> }
  /** A slash command: form fields (`command`, `text`, `trigger_id`, …). */
  | { kind: 'command'; payload: Record<string, string> }
  /** Interactivity (buttons, modals, shortcuts): the JSON in the `payload` form field. */
  | { kind: 'interaction'; payload: Record<string, unknown> }
  /** Slack's periodic `ssl_check=1` probe of a slash-command URL. */
  | { kind: 'ssl_check' };

/**
 * Tells the three kinds of Slack request apart by content type (JSON, or a form with `payload`,
 * or a form with `command`), sniffing the first byte when the content type is absent.
 * Runs after verification: the signature covers the raw bytes, whatever their encoding.
 */
export function parseSlackBody(request: WebhookRequest): SlackBody {
  const contentType = getHeader(request.headers, 'content-type')?.toLowerCase();
  const isForm =
    contentType !== undefined
      ? contentType.startsWith('application/x-www-form-urlencoded')
      : !request.body.toString('utf8').trimStart().startsWith('{');
  if (!isForm) return { kind: 'events', payload: parseJsonObject(request.body) };
  checkUtf8Form(request.body);
  const form = new URLSearchParams(request.body.toString('utf8'));
  const interaction = form.get('payload');
  if (interaction !== null) return { kind: 'interaction', payload: parseJsonObject(interaction) };
  if (form.get('ssl_check') === '1') return { kind: 'ssl_check' };
  if (form.get('command') === null) {
    throw new PayloadError('form body has neither `payload` (interactivity) nor `command` (slash command)');
  }
  return { kind: 'command', payload: Object.fromEntries(form) };
}
