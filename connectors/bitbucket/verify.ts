import type { WebhookRequest } from '../connector.ts';
import { verifySha256PrefixedSignature } from '../shared/sha256-prefixed-signature.ts';

/**
 * Checks `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body under the webhook's secret.
 * Bitbucket Cloud: https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/#Secure-webhooks
 * Bitbucket Data Center uses the same header and construction:
 * https://confluence.atlassian.com/bitbucketserver/manage-webhooks-938025878.html
 *
 * Only the body is signed: the event key and request id headers are not, and there is no timestamp,
 * so a captured delivery can be replayed; dedup on `X-Request-UUID` catches exact replays.
 */
export function verifyBitbucketSignature(request: WebhookRequest, secrets: readonly string[]): string {
  return verifySha256PrefixedSignature(request, secrets, 'X-Hub-Signature', 'set a Secret on the Bitbucket webhook');
}
