import type { WebhookRequest } from '../connector.ts';
import { matchesAnyHmac } from '../shared/body-hmac.ts';
import { requireHeader } from '../shared/headers.ts';
import { assertFresh, parseUnixSeconds } from '../shared/timestamp.ts';
import { VerificationError } from '../../src/errors.ts';

const HEADER = 'Stripe-Signature';
const MALFORMED = `malformed ${HEADER} header (expected t=<Unix seconds>,v1=<hex signature>)`;

export interface StripeSignature {
  timestamp: number;
  /** Every `v1=` value: Stripe sends one per active signing secret while a secret is being rolled. */
  v1: string[];
}

/** Parses `t=1492774577,v1=5257a8…,v1=…,v0=…`; other schemes (v0, test-mode legacy) are ignored. */
export function parseStripeSignature(header: string): StripeSignature {
  let timestamp: number | undefined;
  const v1: string[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new VerificationError(MALFORMED, { kind: 'malformed' });
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) throw new VerificationError(`${MALFORMED}: more than one t=`, { kind: 'malformed' });
      timestamp = parseUnixSeconds(value, HEADER);
    } else if (key === 'v1' && value.length > 0) {
      v1.push(value);
    }
  }
  if (timestamp === undefined) throw new VerificationError(`${MALFORMED}: no t=`, { kind: 'malformed' });
  if (v1.length === 0) throw new VerificationError(`${MALFORMED}: no v1= signature`, { kind: 'malformed' });
  return { timestamp, v1 };
}

/**
 * Verifies `Stripe-Signature`: HMAC-SHA256 (hex) of `${t}.${rawBody}` under the endpoint secret,
 * any v1 against any configured secret, then the age of `t`.
 * https://docs.stripe.com/webhooks#verify-manually
 */
export function verifyStripeSignature(request: WebhookRequest, secrets: readonly string[], toleranceSec: number, now: Date): void {
  const { timestamp, v1 } = parseStripeSignature(requireHeader(request.headers, HEADER));
  const content = [`${timestamp}.`, request.body];
  if (!matchesAnyHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content, received: v1 })) {
    throw new VerificationError(`no ${HEADER} v1 signature matches the body under any configured secret`, {
      kind: 'mismatch',
      signs: 'body',
    });
  }
  // Stripe's libraries only check age. A timestamp far ahead cannot come from Stripe's clock and
  // would keep a captured request replayable past the tolerance, so that is refused as well.
  assertFresh(timestamp, now, toleranceSec, toleranceSec);
}

/** The provider's side: the header Stripe would send for `body` at `now`. */
export function stripeSignatureHeader(timestamp: number, v1: string): string {
  return `t=${timestamp},v1=${v1}`;
}
