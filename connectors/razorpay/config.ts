import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';

/** `connectors.<name>` for `type: razorpay`. Strict, so a typo (`secrets:`) is reported, not ignored. */
export const RazorpayConfigSchema = z.strictObject({
  type: z.literal('razorpay'),
  /** The webhook's Secret from the Razorpay Dashboard; list the old one too while rotating. */
  secret: SecretListSchema,
});

export type RazorpayConfig = z.output<typeof RazorpayConfigSchema>;
