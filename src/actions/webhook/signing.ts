import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { PermanentError } from '../../errors.ts';

/** Extra HMAC header styles for receivers that don't speak Standard Webhooks. */
export const SignatureSchema = z.strictObject({
  /** `github`: `X-Hub-Signature-256: sha256=<hex>`; `hmac`: `<header>: <hex>` over the body. */
  style: z.enum(['github', 'hmac']),
  header: z.string().min(1).optional(),
  algorithm: z.enum(['sha256', 'sha1', 'sha512']).optional(),
  secret: z.string().min(1),
});
export type SignatureConfig = z.output<typeof SignatureSchema>;

/**
 * Standard Webhooks signing: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 * The `whsec_` secret is base64; the signed content is `${id}.${timestamp}.${body}`. Several secrets
 * (rotation) give space-separated signatures.
 */
export function standardWebhookHeaders(id: string, body: string, secrets: string | readonly string[], now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1_000).toString();
  const content = `${id}.${timestamp}.${body}`;
  const signatures = (typeof secrets === 'string' ? [secrets] : secrets).map(
    (secret) => `v1,${createHmac('sha256', whsecKey(secret)).update(content).digest('base64')}`,
  );
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

/** The key bytes of a `whsec_<base64>` secret. */
export function whsecKey(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new PermanentError('a Standard Webhooks secret must start with whsec_');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  if (key.length < 16) throw new PermanentError('the whsec_ secret is too short (at least 16 bytes of base64)');
  return key;
}

/** The header for a GitHub-style or plain HMAC signature over the raw body. */
export function hmacHeaders(body: string, config: SignatureConfig): Record<string, string> {
  const algorithm = config.algorithm ?? 'sha256';
  const digest = createHmac(algorithm, config.secret).update(body).digest('hex');
  if (config.style === 'github') {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    const header = config.header ?? (algorithm === 'sha1' ? 'X-Hub-Signature' : `X-Hub-Signature-256`);
    return { [header]: `${algorithm}=${digest}` };
  }
  return { [config.header ?? 'X-Signature']: digest };
}
