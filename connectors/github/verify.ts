import { isUtf8 } from 'node:buffer';
import type { WebhookRequest } from '../connector.ts';
import { matchingHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { PayloadError, VerificationError } from '../../src/errors.ts';

const SIGNATURE_HEADER = 'X-Hub-Signature-256';
const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

/**
 * Checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body, hex) against every configured secret, in
 * constant time, on the bytes as received (never decoded and re-encoded first).
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 *
 * GitHub signs the body only: the event and delivery headers are not covered, and there is no
 * timestamp, so a captured delivery can be replayed (dedup on `X-GitHub-Delivery` catches exact replays).
 * Returns the HMAC that matched: a digest of the body (ConnectorResult.bodyDigest).
 */
export function verifyGithubSignature(request: WebhookRequest, secrets: readonly string[]): string {
  const signature = readSignatureHeader(request.headers);
  // GitHub only sends non-empty UTF-8: anything else is not a GitHub payload, whoever signed it.
  if (request.body.length === 0) throw new PayloadError('body is empty (expected a GitHub payload)');
  if (!isUtf8(request.body)) throw new PayloadError('body is not valid UTF-8, so it cannot be a GitHub payload');
  if (secrets.length === 0) throw new VerificationError('no secret configured', { kind: 'unconfigured', setting: 'secret' });
  const digest = matchingHmac({ algorithm: 'sha256', encoding: 'hex', secrets, content: request.body, received: [signature] });
  if (digest === undefined) {
    throw new VerificationError(`${SIGNATURE_HEADER} does not match the body under any configured secret`, {
      kind: 'mismatch',
      signs: 'body',
    });
  }
  return digest;
}

function readSignatureHeader(headers: WebhookRequest['headers']): string {
  const value = getHeader(headers, SIGNATURE_HEADER);
  if (value === undefined) {
    const sha1Only = getHeader(headers, 'X-Hub-Signature') !== undefined;
    throw new VerificationError(
      sha1Only
        ? `missing ${SIGNATURE_HEADER} header (only the SHA-1 X-Hub-Signature was sent; hookhub requires SHA-256)`
        : `missing ${SIGNATURE_HEADER} header (set a secret on the GitHub webhook)`,
      { kind: 'missing' },
    );
  }
  const hex = SIGNATURE.exec(value.toLowerCase())?.[1];
  if (hex === undefined) {
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected sha256=<64 hex digits>)`, { kind: 'malformed' });
  }
  return hex;
}
