import type { WebhookRequest } from '../connector.ts';
import { VerificationError } from '../../src/errors.ts';
import { matchesAnyHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { pick } from '../shared/pick.ts';
import { assertFresh } from '../shared/timestamp.ts';

const HEADER = 'Linear-Signature';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Checks `Linear-Signature`: hex HMAC-SHA256 of the raw body under the webhook's signing secret.
 * https://linear.app/developers/webhooks#securing-webhooks (and @linear/sdk `LinearWebhookClient.verify`).
 */
export function verifyLinearSignature(request: WebhookRequest, secrets: readonly string[]): void {
  const signature = getHeader(request.headers, HEADER);
  if (signature === undefined) throw new VerificationError(`missing ${HEADER} header`, { kind: 'missing' });
  if (!HEX_SHA256.test(signature))
    throw new VerificationError(`malformed ${HEADER} header (expected 64 hex digits)`, { kind: 'malformed' });
  const ok = matchesAnyHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content: request.body, received: [signature] });
  if (!ok)
    throw new VerificationError(`${HEADER} does not match the body under any configured secret`, { kind: 'mismatch', signs: 'body' });
}

/**
 * Replay protection: the body's `webhookTimestamp` (Unix ms, covered by the signature) must be within
 * `toleranceSec` of now, either way; Linear's SDK uses one minute. Linear always sends it, so a signed
 * body without one is rejected rather than accepted without a freshness check.
 */
export function assertFreshWebhookTimestamp(payload: Record<string, unknown>, now: Date, toleranceSec: number): void {
  const timestamp = pick(payload, 'webhookTimestamp');
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    throw new VerificationError('body has no numeric webhookTimestamp (Linear signs one into every delivery)', { kind: 'malformed' });
  }
  assertFresh(timestamp / 1000, now, toleranceSec);
}
