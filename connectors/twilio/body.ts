import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';

/** How a Twilio request carries its parameters, which decides what the signature covers. */
export type TwilioBody =
  /** A POST form (Messaging, Voice, status callbacks): the parameters are signed after the URL. */
  | { kind: 'form'; params: [string, string][] }
  /** A JSON POST (Event Streams, some newer products): only the URL is signed, plus bodySHA256. */
  | { kind: 'json' }
  /** A GET webhook: the parameters are in the (signed) URL itself. */
  | { kind: 'query'; params: [string, string][] };

/** Reads the parameters as Twilio sent them, before verification (nothing here is trusted yet). */
export function readTwilioBody(request: WebhookRequest): TwilioBody {
  if (request.method.toUpperCase() === 'GET') {
    const queryAt = request.url.indexOf('?');
    const query = new URLSearchParams(queryAt === -1 ? '' : request.url.slice(queryAt + 1));
    return { kind: 'query', params: [...query].filter(([name]) => name !== 'bodySHA256') };
  }
  const contentType = getHeader(request.headers, 'content-type')?.toLowerCase();
  const isJson =
    contentType !== undefined ? contentType.startsWith('application/json') : /^\s*[[{]/.test(request.body.toString('utf8', 0, 64));
  if (isJson) return { kind: 'json' };
  return { kind: 'form', params: [...new URLSearchParams(request.body.toString('utf8'))] };
}
