import { z } from 'zod';
import type { Action } from '../action.ts';
import { DestinationPolicyShape } from '../runtime/destination-policy.ts';
import { HeadersSchema } from '../runtime/header-schema.ts';
import { lowerKeys, sendHttp } from '../runtime/send-http.ts';
import { hmacHeaders, SignatureSchema, standardWebhookHeaders, whsecKey } from './signing.ts';

/**
 * A secret that signing would refuse (no `whsec_` prefix, a key under 16 bytes) fails when the rules load,
 * not at every job's first attempt. A template (`{{…}}`) is only known at send time. The message never
 * repeats the secret.
 */
const StandardWebhooksSecretSchema = z
  .string()
  .min(1)
  .superRefine((secret, ctx) => {
    if (secret.includes('{{')) return;
    try {
      whsecKey(secret);
    } catch (error) {
      const hint = secret.startsWith('whsec_') ? '' : ' (for a plain HMAC secret, use signature: { style: hmac, secret })';
      ctx.addIssue({ code: 'custom', message: `${(error as Error).message}${hint}` });
    }
  });

/** `webhook` params: a signed outbound HTTP call. String fields (and strings inside `body`) are templates. */
export const WebhookParamsSchema = z.strictObject({
  url: z.string().min(1),
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE', 'GET']).default('POST'),
  headers: HeadersSchema.optional(),
  /** An object is sent as JSON; a string as text/plain (unless a content-type header says otherwise). */
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  /** `whsec_…` (or several, for rotation): Standard Webhooks signing with webhook-id = job id. */
  secret: z.union([StandardWebhooksSecretSchema, z.array(StandardWebhooksSecretSchema).min(1)]).optional(),
  signature: SignatureSchema.optional(),
  ...DestinationPolicyShape,
});
export type WebhookParams = z.output<typeof WebhookParamsSchema>;

function encodeBody(body: WebhookParams['body']): { body?: string; contentType?: string } {
  if (body === undefined) return {};
  if (typeof body === 'string') return { body, contentType: 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/** The destination key: scheme, host and port (one breaker and rate limit per receiving server). */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** `webhook`: an outbound HTTP call, signed with Standard Webhooks and/or a GitHub-style HMAC header. */
export const webhookAction: Action<WebhookParams> = {
  type: 'webhook',
  paramsSchema: WebhookParamsSchema,
  destinationUrlParams: ['url'],
  destination: (params) => `url:${origin(params.url)}`,
  sharedDestination: true,
  policy: (params) => params,
  async execute(params, ctx) {
    const { body, contentType } = encodeBody(params.body);
    const payload = body ?? '';
    const headers: Record<string, string> = {
      ...(contentType ? { 'content-type': contentType } : {}),
      ...lowerKeys(params.headers),
      'idempotency-key': ctx.job.id,
    };
    if (params.secret !== undefined) Object.assign(headers, standardWebhookHeaders(ctx.job.id, payload, params.secret, ctx.now()));
    if (params.signature !== undefined) Object.assign(headers, hmacHeaders(payload, params.signature));
    return sendHttp(ctx, { url: params.url, method: params.method, headers, ...(body === undefined ? {} : { body }) });
  },
};
