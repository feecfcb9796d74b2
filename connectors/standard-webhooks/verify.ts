import type { WebhookRequest } from '../connector.ts';
import { requireHeader } from '../shared/headers.ts';
import { hmac } from '../shared/hmac.ts';
import { safeEqualAny } from '../shared/safe-equal.ts';
import { assertFresh, parseUnixSeconds } from '../shared/timestamp.ts';
import { VerificationError } from '../../src/errors.ts';

const SECRET_PREFIX = 'whsec_';

/** The HMAC key of a `whsec_<base64>` secret: the base64-decoded part after the prefix. */
export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** `v1,<base64>`: HMAC-SHA256 of `${id}.${timestamp}.${rawBody}`. */
export function standardWebhookSignature(key: Buffer, id: string, timestamp: number, body: Buffer): string {
  return `v1,${hmac('sha256', key, [`${id}.${timestamp}.`, body], 'base64')}`;
}

export interface StandardWebhookMeta {
  id: string;
  timestamp: number;
}

/**
 * Verifies a Standard Webhooks request (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * `webhook-id`, `webhook-timestamp`, `webhook-signature` (or Svix's `svix-*` names). Any `v1` signature
 * of the space-separated list may match any configured secret; other versions (`v1a`, asymmetric) are skipped.
 * The timestamp must be within `toleranceSec` either way, as in the spec's reference libraries.
 * `setting` is the config key the secrets come from, named in the operator's hint when none matches or a
 * header is missing (GitLab's `signingToken`).
 */
export function verifyStandardWebhook(
  request: WebhookRequest,
  secrets: readonly string[],
  toleranceSec: number,
  now: Date,
  setting = 'secret',
): StandardWebhookMeta {
  const id = requireHeader(request.headers, 'webhook-id', ['svix-id'], setting);
  const timestamp = parseUnixSeconds(requireHeader(request.headers, 'webhook-timestamp', ['svix-timestamp'], setting), 'webhook-timestamp');
  const received = v1Signatures(requireHeader(request.headers, 'webhook-signature', ['svix-signature'], setting));
  const expected = secrets.map((s) => standardWebhookSignature(standardWebhookKey(s), id, timestamp, request.body));
  if (!safeEqualAny(expected, received)) {
    throw new VerificationError('no webhook-signature v1 signature matches the body under any configured secret', {
      kind: 'mismatch',
      signs: 'body',
      setting,
    });
  }
  assertFresh(timestamp, now, toleranceSec, toleranceSec);
  return { id, timestamp };
}

/** The `v1,…` entries of a `webhook-signature` header, whole (compared with the `v1,` prefix). */
function v1Signatures(header: string): string[] {
  const entries = header.split(' ').filter((entry) => entry.length > 0);
  if (!entries.every((entry) => entry.indexOf(',') > 0)) {
    throw new VerificationError('malformed webhook-signature header (expected space-separated v1,<base64> entries)', { kind: 'malformed' });
  }
  const v1 = entries.filter((entry) => entry.startsWith('v1,') && entry.length > 3);
  if (v1.length === 0) {
    throw new VerificationError('webhook-signature has no v1 signature (asymmetric v1a signatures are not supported)', {
      kind: 'malformed',
    });
  }
  return v1;
}
