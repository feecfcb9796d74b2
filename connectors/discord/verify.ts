import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';
import { assertFresh, parseUnixSeconds } from '../shared/timestamp.ts';
import { VerificationError } from '../../src/errors.ts';
import { ed25519PrivateKey, ed25519PublicKey, signEd25519, verifyEd25519 } from './ed25519.ts';

const SIGNATURE_HEADER = 'X-Signature-Ed25519';
const TIMESTAMP_HEADER = 'X-Signature-Timestamp';
const SIGNATURE = /^[0-9a-f]{128}$/i;

/**
 * Checks `X-Signature-Ed25519`: the Ed25519 signature, under the app's public key, of
 * `X-Signature-Timestamp` followed by the raw body.
 * https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
 *
 * Discord probes the endpoint with bad signatures and refuses to save the URL unless they get 401,
 * so every failure here is a VerificationError. Discord's examples stop at the signature; the
 * timestamp is checked for freshness too, because the signature covers it and nothing else would
 * stop a captured interaction from being replayed later.
 */
export function verifyDiscordRequest(request: WebhookRequest, publicKeyHex: string, now: Date, toleranceSec: number): void {
  const signature = getHeader(request.headers, SIGNATURE_HEADER);
  const timestamp = getHeader(request.headers, TIMESTAMP_HEADER);
  if (signature === undefined) throw new VerificationError(`missing ${SIGNATURE_HEADER} header`, { kind: 'missing' });
  if (timestamp === undefined) throw new VerificationError(`missing ${TIMESTAMP_HEADER} header`, { kind: 'missing' });
  if (!SIGNATURE.test(signature))
    throw new VerificationError(`malformed ${SIGNATURE_HEADER} header (expected 128 hex digits)`, { kind: 'malformed' });
  const message = Buffer.concat([Buffer.from(timestamp, 'utf8'), request.body]);
  if (!verifyEd25519(ed25519PublicKey(publicKeyHex), message, signature)) {
    throw new VerificationError(`${SIGNATURE_HEADER} is not a valid signature of the timestamp and body`, {
      kind: 'mismatch',
      signs: 'body',
    });
  }
  assertFresh(parseUnixSeconds(timestamp, TIMESTAMP_HEADER), now, toleranceSec);
}

/** Discord's side, with a test key: the two signature headers for `body` sent at `now`. */
export function signDiscordBody(body: Buffer, privateKeyHex: string, now: Date): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = signEd25519(ed25519PrivateKey(privateKeyHex), Buffer.concat([Buffer.from(timestamp, 'utf8'), body]));
  return { 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp };
}
