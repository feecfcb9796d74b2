import type { WebhookRequest } from '../connector.ts';
import { VerificationError } from '../../src/errors.ts';
import { matchesAnyHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';

const HEADER = 'X-PagerDuty-Signature';
const V1 = /^v1=([0-9a-f]{64})$/i;

/**
 * Checks `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`: hex HMAC-SHA256 of the raw body, one entry per
 * signing secret PagerDuty holds (several during its rotation). Any entry may match any configured secret.
 * https://developer.pagerduty.com/docs/webhooks/webhook-signatures/
 *
 * Only the body is signed and there is no timestamp; dedup on `event.id` drops exact replays.
 */
export function verifyPagerdutySignature(request: WebhookRequest, secrets: readonly string[]): void {
  const value = getHeader(request.headers, HEADER);
  if (value === undefined)
    throw new VerificationError(`missing ${HEADER} header (is this a v3 webhook subscription?)`, { kind: 'missing' });
  // Unknown future versions (v2=…) are skipped, as PagerDuty's pseudo-algorithm says.
  const received = value
    .split(',')
    .map((entry) => V1.exec(entry.trim())?.[1])
    .filter((hex): hex is string => hex !== undefined);
  if (received.length === 0) throw new VerificationError(`malformed ${HEADER} header (expected v1=<64 hex digits>)`, { kind: 'malformed' });
  const ok = matchesAnyHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content: request.body, received });
  if (!ok)
    throw new VerificationError(`${HEADER} does not match the body under any configured secret`, { kind: 'mismatch', signs: 'body' });
}
