import type { ConnectorResult, WebhookRequest } from '../connector.ts';
import { safeEqualAny } from '../shared/safe-equal.ts';
import { PayloadError, VerificationError } from '../../src/errors.ts';

// Meta sends a number; echoing anything else back would make the hub a reflector.
const CHALLENGE = /^[A-Za-z0-9._~-]{1,256}$/;

/**
 * The subscription handshake: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`,
 * answered with the challenge as plain text when the token is one of `verifyTokens`.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests
 */
export function answerMetaHandshake(request: WebhookRequest, verifyTokens: readonly string[]): ConnectorResult {
  const query = new URL(request.url, 'http://hub.invalid').searchParams;
  const mode = query.get('hub.mode');
  const token = query.get('hub.verify_token');
  const challenge = query.get('hub.challenge');
  if (mode !== 'subscribe') throw new PayloadError('GET without hub.mode=subscribe (only the subscription handshake is a GET)');
  if (token === null || token.length === 0)
    throw new VerificationError('missing hub.verify_token', { kind: 'missing', setting: 'verifyToken' });
  if (!safeEqualAny(verifyTokens, [token]))
    throw new VerificationError('hub.verify_token does not match the configured verifyToken', {
      kind: 'mismatch',
      signs: 'token',
      setting: 'verifyToken',
    });
  if (challenge === null || !CHALLENGE.test(challenge)) throw new PayloadError('missing or malformed hub.challenge');
  return { events: [], reply: { status: 200, body: challenge } };
}
