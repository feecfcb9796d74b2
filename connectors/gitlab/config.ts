import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';
import { ToleranceSchema } from '../shared/timestamp.ts';

/**
 * `connectors.<name>` for `type: gitlab`. Strict, so a typo is reported, not ignored.
 * At least one of `secret` (the webhook's Secret token, sent as `X-Gitlab-Token`) and
 * `signingToken` (the newer HMAC signing token, `whsec_…`) must be set; every one set is checked.
 */
export const GitlabConfigSchema = z
  .strictObject({
    type: z.literal('gitlab'),
    secret: SecretListSchema.optional(),
    signingToken: SecretListSchema.optional(),
    /** How old `webhook-timestamp` may be, in seconds (signing token only). */
    tolerance: ToleranceSchema,
  })
  .refine((config) => config.secret !== undefined || config.signingToken !== undefined, {
    error: 'set `secret` (the webhook Secret token) or `signingToken` (whsec_…), or both',
  });

export type GitlabConfig = z.output<typeof GitlabConfigSchema>;
