import { createHash } from 'node:crypto';
import type { WebhookRequest } from '../connector.ts';
import { matchesAnyHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { hmac } from '../shared/hmac.ts';
import { safeEqual } from '../shared/safe-equal.ts';
import { VerificationError } from '../../src/errors.ts';
import { twilioUrlVariants } from './url.ts';

const SIGNATURE_HEADER = 'X-Twilio-Signature';
// 20 bytes (SHA-1) in standard base64.
const SIGNATURE = /^[A-Za-z0-9+/]{27}=$/;

/**
 * What Twilio signs: the full URL, then every POST parameter as `name` + `value`, sorted by name
 * (byte order; repeated names sorted by value, as twilio-node does). JSON bodies sign the URL only.
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security#validating-signatures-from-twilio
 */
export function twilioSignedContent(url: string, params: readonly (readonly [string, string])[]): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of params) byName.set(name, [...(byName.get(name) ?? []), value]);
  const names = [...byName.keys()].sort();
  return (
    url +
    names
      .map((name) =>
        (byName.get(name) ?? [])
          .sort()
          .map((value) => name + value)
          .join(''),
      )
      .join('')
  );
}

/**
 * Checks `X-Twilio-Signature` (base64 HMAC-SHA1 under the Auth Token) against the URL variants
 * Twilio may have signed, and for JSON bodies (`params` null) the `bodySHA256` query parameter
 * against the SHA-256 of the raw body. Twilio signs no timestamp; dedup on the Sid stops replays.
 */
export function verifyTwilioRequest(
  request: WebhookRequest,
  authTokens: readonly string[],
  url: string,
  params: readonly (readonly [string, string])[] | null,
): void {
  const signature = getHeader(request.headers, SIGNATURE_HEADER);
  if (signature === undefined) throw new VerificationError(`missing ${SIGNATURE_HEADER} header`, { kind: 'missing' });
  if (!SIGNATURE.test(signature))
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected a base64 HMAC-SHA1)`, { kind: 'malformed' });
  const matches = twilioUrlVariants(url).map((variant) =>
    matchesAnyHmac({
      algorithm: 'sha1',
      encoding: 'base64',
      secrets: authTokens,
      content: twilioSignedContent(variant, params ?? []),
      received: [signature],
    }),
  );
  if (!matches.includes(true)) {
    throw new VerificationError(`${SIGNATURE_HEADER} does not match ${url} and the parameters under any configured Auth Token`, {
      kind: 'mismatch',
      signs: 'url',
    });
  }
  if (params === null) verifyBodyHash(request.body, url);
}

/** JSON bodies: the signed URL carries `bodySHA256`, the hex SHA-256 of the raw body. */
function verifyBodyHash(body: Buffer, url: string): void {
  const queryAt = url.indexOf('?');
  const expected = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)).get('bodySHA256');
  if (expected === null) throw new VerificationError('JSON body, but the signed URL has no bodySHA256 parameter', { kind: 'malformed' });
  if (!safeEqual(createHash('sha256').update(body).digest('hex'), expected.toLowerCase())) {
    throw new VerificationError('bodySHA256 does not match the body', { kind: 'altered' });
  }
}

/** Twilio's side: the `X-Twilio-Signature` value for `url` and `params` under `authToken`. */
export function signTwilio(authToken: string, url: string, params: readonly (readonly [string, string])[]): string {
  return hmac('sha1', authToken, twilioSignedContent(url, params), 'base64');
}
