import type { WebhookRequest } from '../connector.ts';
import { VerificationError } from '../../src/errors.ts';
import { matchingHmac } from './body-hmac.ts';
import { hmac } from './hmac.ts';
import { getHeader } from './headers.ts';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Verifies a `<header>: sha256=<hex HMAC-SHA256 of the raw body>` signature (the WebSub style that
 * Bitbucket and Jira use in `X-Hub-Signature`) against every configured secret, in constant time.
 * `hint` is appended to the "missing header" message to say where the secret is set. Returns the HMAC
 * that matched (ConnectorResult.bodyDigest).
 */
export function verifySha256PrefixedSignature(request: WebhookRequest, secrets: readonly string[], header: string, hint: string): string {
  const value = getHeader(request.headers, header);
  if (value === undefined) throw new VerificationError(`missing ${header} header (${hint})`, { kind: 'missing' });
  const match = SIGNATURE.exec(value);
  if (!match?.[1]) throw new VerificationError(`malformed ${header} header (expected sha256=<64 hex digits>)`, { kind: 'malformed' });
  const digest = matchingHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content: request.body, received: [match[1]] });
  if (digest === undefined)
    throw new VerificationError(`${header} does not match the body under any configured secret`, { kind: 'mismatch', signs: 'body' });
  return digest;
}

/** The provider's side of verifySha256PrefixedSignature: `sha256=<hex>` under `secret`. */
export function signSha256Prefixed(body: Buffer, secret: string): string {
  return `sha256=${hmac('sha256', secret, body, 'hex')}`;
}
