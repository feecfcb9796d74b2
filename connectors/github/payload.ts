import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { checkUtf8Form } from '../shared/utf8-body.ts';
import { PayloadError } from '../../src/errors.ts';

/**
 * The JSON payload of a verified delivery, and the text it was parsed from. GitHub webhooks can be set to either content type:
 * `application/json` (recommended) or `application/x-www-form-urlencoded`, where the JSON is the
 * `payload` form field. The signature covers the raw form body, so this runs after verification.
 * https://docs.github.com/en/webhooks/using-webhooks/creating-webhooks#creating-a-repository-webhook
 */
export function parseGithubPayload(request: WebhookRequest): { value: Record<string, unknown>; text: string } {
  const contentType = getHeader(request.headers, 'content-type')?.toLowerCase() ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return parseJsonObjectText(request.body);
  checkUtf8Form(request.body);
  const payload = new URLSearchParams(request.body.toString('utf8')).get('payload');
  if (payload === null) throw new PayloadError('form-encoded body has no `payload` field');
  return parseJsonObjectText(payload);
}
