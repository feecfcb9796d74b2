import type { WebhookRequest } from '../connector.ts';
import { matchingHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { hmac } from '../shared/hmac.ts';
import { VerificationError } from '../../src/errors.ts';

const SIGNATURE_HEADER = 'X-Razorpay-Signature';
const SIGNATURE = /^[0-9a-f]{64}$/i;

/**
 * Checks `X-Razorpay-Signature`: the hex HMAC-SHA256 of the raw body under the webhook secret.
 * https://razorpay.com/docs/webhooks/validate-test/
 *
 * Razorpay's own SDK compares with `===` (razorpay-node `validateWebhookSignature`); here every
 * configured secret is compared in constant time. After a secret change Razorpay keeps retrying
 * older events signed with the old secret, so both must be listed until those retries are over.
 * The body is all that is signed: there is no timestamp, so dedup on the event id stops replays.
 */
export function verifyRazorpaySignature(request: WebhookRequest, secrets: readonly string[]): string {
  const value = getHeader(request.headers, SIGNATURE_HEADER);
  if (value === undefined) {
    throw new VerificationError(`missing ${SIGNATURE_HEADER} header (set a secret on the Razorpay webhook)`, { kind: 'missing' });
  }
  if (!SIGNATURE.test(value)) {
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected 64 hex digits)`, { kind: 'malformed' });
  }
  const digest = matchingHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content: request.body, received: [value] });
  if (digest === undefined)
    throw new VerificationError(`${SIGNATURE_HEADER} does not match the body under any configured secret`, {
      kind: 'mismatch',
      signs: 'body',
    });
  return digest;
}

/** Razorpay's side: the `X-Razorpay-Signature` value for `body` under `secret`. */
export function signRazorpay(body: Buffer, secret: string): string {
  return hmac('sha256', secret, body, 'hex');
}
