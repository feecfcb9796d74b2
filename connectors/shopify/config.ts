import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';

/** `connectors.<name>` for `type: shopify`. Strict, so a typo (`secrets:`) is reported, not ignored. */
export const ShopifyConfigSchema = z.strictObject({
  type: z.literal('shopify'),
  /**
   * The app's client secret (apps), or the key shown under Settings → Notifications → Webhooks
   * (webhooks made in the store admin). A list while rotating.
   */
  secret: SecretListSchema,
});

export type ShopifyConfig = z.output<typeof ShopifyConfigSchema>;
