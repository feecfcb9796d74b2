import type { WebhookRequest } from '../connector.ts';
import { hmac } from '../shared/hmac.ts';
import { signSha256Prefixed, verifySha256PrefixedSignature } from '../shared/sha256-prefixed-signature.ts';

/**
 * Checks `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` under the App Secret.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started#validate-payloads
 *
 * Meta signs the bytes it sends, in which non-ASCII characters are `\u00e9`-style escapes (and `/`
 * may be `\/`): re-serializing the parsed JSON would never match, so only the raw body is used.
 */
export function verifyMetaSignature(request: WebhookRequest, appSecrets: readonly string[]): void {
  verifySha256PrefixedSignature(request, appSecrets, 'X-Hub-Signature-256', 'check the App Secret and that the app is subscribed');
}

/** Meta's side: both signature headers it sends (the SHA-1 one is legacy and not checked). */
export function signMeta(body: Buffer, appSecret: string): Record<string, string> {
  return {
    'x-hub-signature-256': signSha256Prefixed(body, appSecret),
    'x-hub-signature': `sha1=${hmac('sha1', appSecret, body, 'hex')}`,
  };
}
