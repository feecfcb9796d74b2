import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';

/** `connectors.<name>` for `type: meta` (Facebook Pages, Instagram, WhatsApp, Messenger). Strict. */
export const MetaConfigSchema = z.strictObject({
  type: z.literal('meta'),
  /** The app's App Secret (App settings → Basic); signs every POST. A list while rotating. */
  appSecret: SecretListSchema,
  /** The Verify Token you type into the Webhooks product; Meta echoes it in the GET handshake. */
  verifyToken: SecretListSchema,
});

export type MetaConfig = z.output<typeof MetaConfigSchema>;
