import { isUtf8 } from 'node:buffer';
import { verifyWithFallback } from '@octokit/webhooks-methods';
import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';
import { PayloadError, VerificationError } from '../../src/errors.ts';

const SIGNATURE_HEADER = 'X-Hub-Signature-256';
const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

/**
 * Checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body, hex) against every configured secret.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 *
 * GitHub signs the body only: the event and delivery headers are not covered, and there is no
 * timestamp, so a captured delivery can be replayed (dedup on `X-GitHub-Delivery` catches exact replays).
 */
export async function verifyGithubSignature(request: WebhookRequest, secrets: readonly string[]): Promise<void> {
  const signature = readSignatureHeader(request.headers);
  // @octokit/webhooks-methods verifies a string and throws on an empty one. GitHub only sends
  // non-empty UTF-8, and for valid UTF-8 the string re-encodes to exactly the bytes received.
  if (request.body.length === 0) throw new PayloadError('body is empty (expected a GitHub payload)');
  if (!isUtf8(request.body)) throw new PayloadError('body is not valid UTF-8, so it cannot be a GitHub payload');
  const [first, ...rest] = secrets;
  if (first === undefined) throw new VerificationError('no secret configured');
  const ok = (await verifyWithFallback(first, request.body.toString('utf8'), signature, rest)) === true;
  if (!ok) {
    throw new VerificationError(`${SIGNATURE_HEADER} does not match the body under any configured secret`);
  }
}

function readSignatureHeader(headers: WebhookRequest['headers']): string {
  const value = getHeader(headers, SIGNATURE_HEADER);
  if (value === undefined) {
    const sha1Only = getHeader(headers, 'X-Hub-Signature') !== undefined;
    throw new VerificationError(
      sha1Only
        ? `missing ${SIGNATURE_HEADER} header (only the SHA-1 X-Hub-Signature was sent; hookhub requires SHA-256)`
        : `missing ${SIGNATURE_HEADER} header (set a secret on the GitHub webhook)`,
    );
  }
  const normalized = value.toLowerCase();
  if (!SIGNATURE.test(normalized)) {
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected sha256=<64 hex digits>)`);
  }
  return normalized;
}
