import type { WebhookRequest } from '../connector.ts';
import { VerificationError } from '../../src/errors.ts';
import { matchingHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { assertFresh, parseUnixSeconds } from '../shared/timestamp.ts';

const SIGNATURE_HEADER = 'Sentry-Hook-Signature';
const TIMESTAMP_HEADER = 'Sentry-Hook-Timestamp';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Checks `Sentry-Hook-Signature`: hex HMAC-SHA256 of the raw body under the integration's Client Secret.
 * https://docs.sentry.io/organization/integrations/integration-platform/webhooks/#sentry-hook-signature
 * Sentry signs exactly the bytes it sends (`json.dumps` once, then signs that string), so the raw body
 * is what must be verified — not a re-serialization, as Sentry's own doc snippet suggests.
 */
export function verifySentrySignature(request: WebhookRequest, secrets: readonly string[]): string {
  const signature = getHeader(request.headers, SIGNATURE_HEADER);
  if (signature === undefined) throw new VerificationError(`missing ${SIGNATURE_HEADER} header`, { kind: 'missing' });
  if (!HEX_SHA256.test(signature))
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected 64 hex digits)`, { kind: 'malformed' });
  const digest = matchingHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content: request.body, received: [signature] });
  if (digest === undefined)
    throw new VerificationError(`${SIGNATURE_HEADER} does not match the body under any configured secret`, {
      kind: 'mismatch',
      signs: 'body',
    });
  return digest;
}

/**
 * `Sentry-Hook-Timestamp` (Unix seconds at send time) must be within `toleranceSec` when present.
 * Sentry does not sign it, so this only stops naive replays of a captured request as-is.
 */
export function checkSentryTimestamp(request: WebhookRequest, now: Date, toleranceSec: number): void {
  const value = getHeader(request.headers, TIMESTAMP_HEADER);
  if (value === undefined) return;
  assertFresh(parseUnixSeconds(value, TIMESTAMP_HEADER), now, toleranceSec);
}
