import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';
import { safeEqualAny } from '../shared/safe-equal.ts';
import { standardWebhookKey, standardWebhookSignature, verifyStandardWebhook } from '../standard-webhooks/verify.ts';
import { VerificationError } from '../../src/errors.ts';
import type { GitlabConfig } from './config.ts';

const TOKEN_HEADER = 'X-Gitlab-Token';

/**
 * Checks whatever the connector is configured with (both when both are set):
 * - `secret`: `X-Gitlab-Token` must equal one of the tokens (constant time). GitLab sends the token
 *   itself, so this proves who sent it but not that the body is intact.
 *   https://docs.gitlab.com/user/project/integrations/webhooks/#create-a-webhook (Secret token)
 * - `signingToken`: `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`
 *   in the Standard Webhooks format, with a fresh timestamp. This covers the body.
 *   https://gitlab.com/gitlab-org/gitlab/-/merge_requests/230944
 *
 * Returns the signed `webhook-id` when the signing token verified the request (GitLab sets it to the
 * `Idempotency-Key`), else undefined.
 */
export function verifyGitlabRequest(request: WebhookRequest, config: GitlabConfig, now: Date): string | undefined {
  if (config.secret !== undefined) {
    const token = getHeader(request.headers, TOKEN_HEADER);
    if (token === undefined)
      throw new VerificationError(`missing ${TOKEN_HEADER} header (set the Secret token on the GitLab webhook)`, { kind: 'missing' });
    if (!safeEqualAny(config.secret, [token]))
      throw new VerificationError(`${TOKEN_HEADER} does not match any configured secret`, { kind: 'mismatch', signs: 'token' });
  }
  if (config.signingToken === undefined) return undefined;
  return verifyStandardWebhook(request, config.signingToken, config.tolerance, now, 'signingToken').id;
}

/** GitLab's side of the signing token: the Standard Webhooks headers for `body`. */
export function signGitlabBody(body: Buffer, signingToken: string, id: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardWebhookSignature(standardWebhookKey(signingToken), id, timestamp, body),
  };
}
