import type { WebhookRequest } from '../connector.ts';
import { verifySha256PrefixedSignature } from '../shared/sha256-prefixed-signature.ts';

/**
 * Checks `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw body under the admin webhook's secret
 * ("secure admin webhooks": https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks).
 *
 * Only the body is signed and there is no timestamp header; the body's `timestamp` is covered by the
 * signature but a retry keeps it, so it cannot bound replays. Dedup on `X-Atlassian-Webhook-Identifier`
 * (unchanged across retries) drops exact replays.
 */
export function verifyJiraSignature(request: WebhookRequest, secrets: readonly string[]): string {
  return verifySha256PrefixedSignature(request, secrets, 'X-Hub-Signature', 'set a Secret on the Jira admin webhook');
}
