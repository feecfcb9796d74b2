import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';

/** `connectors.<name>` for `type: twilio`. Strict, so a typo is reported, not ignored. */
export const TwilioConfigSchema = z.strictObject({
  type: z.literal('twilio'),
  /** The account's Auth Token (Console → Account info); list the secondary one too while promoting it. */
  authToken: SecretListSchema,
  /**
   * The webhook URL exactly as configured in Twilio, e.g. `https://hooks.example.com/hooks/twilio`
   * (or just the origin, `https://hooks.example.com`). Twilio signs the URL it called, which a proxy
   * or tunnel hides from the hub; without this, the URL is rebuilt from X-Forwarded-Proto/Host and Host.
   */
  publicUrl: z.url({ protocol: /^https?$/, error: 'publicUrl must be an http(s) URL' }).optional(),
});

export type TwilioConfig = z.output<typeof TwilioConfigSchema>;
