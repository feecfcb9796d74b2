import type { WebhookRequest } from '../connector.ts';
import { matchingHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { hmac } from '../shared/hmac.ts';
import { VerificationError } from '../../src/errors.ts';

const SIGNATURE_HEADER = 'X-Shopify-Hmac-Sha256';
// 32 bytes in standard base64: 43 characters and one `=`.
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Checks `X-Shopify-Hmac-Sha256`: the **base64** (not hex) HMAC-SHA256 of the raw body.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
 * Shopify signs only the body; `X-Shopify-Webhook-Id` dedup catches replays of a captured delivery.
 */
export function verifyShopifySignature(request: WebhookRequest, secrets: readonly string[]): string {
  const value = getHeader(request.headers, SIGNATURE_HEADER);
  if (value === undefined) throw new VerificationError(`missing ${SIGNATURE_HEADER} header`, { kind: 'missing' });
  if (!SIGNATURE.test(value)) {
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected a base64 HMAC-SHA256)`, { kind: 'malformed' });
  }
  const digest = matchingHmac({ algorithm: 'sha256', encoding: 'base64', secrets, content: request.body, received: [value] });
  if (digest === undefined)
    throw new VerificationError(`${SIGNATURE_HEADER} does not match the body under any configured secret`, {
      kind: 'mismatch',
      signs: 'body',
    });
  return digest;
}

/** Shopify's side: the `X-Shopify-Hmac-Sha256` value for `body` under `secret`. */
export function signShopify(body: Buffer, secret: string): string {
  return hmac('sha256', secret, body, 'base64');
}
