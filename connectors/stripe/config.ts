import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';
import { ToleranceSchema } from '../shared/timestamp.ts';

const API_KEY = /^(sk|rk|pk)_(test|live)_/;

/** `connectors.<name>` for `type: stripe`. */
export const StripeConfigSchema = z.strictObject({
  type: z.literal('stripe'),
  // The endpoint's signing secret (`whsec_…`), used as is as the HMAC key.
  secret: SecretListSchema.refine((secrets) => !secrets.some((s) => API_KEY.test(s)), {
    error:
      'this is a Stripe API key, not a webhook signing secret: use the whsec_… value from ' +
      'Dashboard → Developers → Webhooks → your endpoint → Signing secret',
  }),
  /** Seconds a signed timestamp may be old (or ahead). Stripe's libraries use 300. */
  tolerance: ToleranceSchema,
});

export type StripeConfig = z.output<typeof StripeConfigSchema>;
