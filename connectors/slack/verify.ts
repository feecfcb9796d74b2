import type { WebhookRequest } from '../connector.ts';
import { matchesAnyHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { hmac } from '../shared/hmac.ts';
import { assertFresh, parseUnixSeconds } from '../shared/timestamp.ts';
import { VerificationError } from '../../src/errors.ts';

const SIGNATURE_HEADER = 'X-Slack-Signature';
const TIMESTAMP_HEADER = 'X-Slack-Request-Timestamp';
const SIGNATURE = /^v0=([0-9a-f]{64})$/i;

/**
 * Checks `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<raw body>">` and that
 * `X-Slack-Request-Timestamp` is within `toleranceSec` of `now` (Slack recommends 5 minutes).
 * https://api.slack.com/authentication/verifying-requests-from-slack
 * The same check covers Events API JSON, slash-command forms and interactivity `payload=` forms.
 */
export function verifySlackRequest(request: WebhookRequest, secrets: readonly string[], now: Date, toleranceSec: number): void {
  const signature = getHeader(request.headers, SIGNATURE_HEADER);
  const timestamp = getHeader(request.headers, TIMESTAMP_HEADER);
  if (signature === undefined) throw new VerificationError(`missing ${SIGNATURE_HEADER} header`, { kind: 'missing' });
  if (timestamp === undefined) throw new VerificationError(`missing ${TIMESTAMP_HEADER} header`, { kind: 'missing' });
  const hex = SIGNATURE.exec(signature)?.[1];
  if (hex === undefined)
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected v0=<64 hex digits>)`, { kind: 'malformed' });
  assertFresh(parseUnixSeconds(timestamp, TIMESTAMP_HEADER), now, toleranceSec);
  const content = [`v0:${timestamp}:`, request.body];
  if (!matchesAnyHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content, received: [hex] })) {
    throw new VerificationError(`${SIGNATURE_HEADER} does not match the body under any configured signing secret`, {
      kind: 'mismatch',
      signs: 'body',
    });
  }
}

/** Slack's side: the `X-Slack-Signature` value for `body` sent at `timestamp` (Unix seconds). */
export function signSlack(body: Buffer, secret: string, timestamp: number): string {
  return `v0=${hmac('sha256', secret, [`v0:${timestamp}:`, body], 'hex')}`;
}
