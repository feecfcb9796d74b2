import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';
import { ToleranceSchema } from '../shared/timestamp.ts';
import { HUB_PREFIX_MESSAGE, isHubEventPrefix } from '../shared/provider-name.ts';
import { standardWebhookKey } from './verify.ts';

const BASE64_SECRET = /^(whsec_)?[A-Za-z0-9+/]+={0,2}$/;

/** `connectors.<name>` for `type: standard-webhooks` (Svix and every sender following the spec). */
export const StandardWebhooksConfigSchema = z.strictObject({
  type: z.literal('standard-webhooks'),
  secret: SecretListSchema.refine((secrets) => secrets.every((s) => BASE64_SECRET.test(s) && standardWebhookKey(s).length > 0), {
    error: 'secret must be whsec_<base64>, as the sender shows it (the part after whsec_ is the base64 key)',
  }),
  /** Who sends: the first segment of event types, e.g. `resend` → `resend.email.delivered`. */
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/i, { error: 'provider must be one word (letters, digits, _ or -), e.g. resend' })
    .transform((s) => s.toLowerCase())
    .refine((p) => !isHubEventPrefix(p), { error: HUB_PREFIX_MESSAGE })
    .default('webhook'),
  /** Seconds a signed timestamp may be off, either way. The spec's libraries use 300. */
  tolerance: ToleranceSchema,
});

export type StandardWebhooksConfig = z.output<typeof StandardWebhooksConfigSchema>;
