import { z } from 'zod';
import { DestinationPolicyShape } from '../runtime/destination-policy.ts';
import { HeadersSchema } from '../runtime/header-schema.ts';
import { fromEnvString } from '../../config/units.ts';

const url = z.url({ protocol: /^https?$/ });

/** A chat/notification destination from hookhub.yaml `channels:`, discriminated by `type`. */
export const ChannelSchema = z.discriminatedUnion('type', [
  /** Records the rendered message in the attempt history instead of sending it: for trying rules before a chat is wired. */
  z.strictObject({ type: z.literal('log'), ...DestinationPolicyShape }),
  z.strictObject({ type: z.literal('slack'), url, ...DestinationPolicyShape }),
  z.strictObject({ type: z.literal('discord'), url, ...DestinationPolicyShape }),
  /** A Teams Workflows ("Post to a channel when a webhook request is received") URL. */
  z.strictObject({ type: z.literal('teams'), url, ...DestinationPolicyShape }),
  z.strictObject({
    type: z.literal('mattermost'),
    url,
    username: z.string().optional(),
    iconUrl: url.optional(),
    ...DestinationPolicyShape,
  }),
  z.strictObject({
    type: z.literal('email'),
    smtp: z.strictObject({
      host: z.string().min(1),
      port: fromEnvString(z.number().int().min(1).max(65_535)).default(587),
      /** true for implicit TLS (465); otherwise STARTTLS is used when offered. */
      secure: z.boolean().optional(),
      user: z.string().optional(),
      pass: z.string().optional(),
    }),
    from: z.string().min(1),
    to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    ...DestinationPolicyShape,
  }),
  z.strictObject({
    type: z.literal('webhook'),
    url,
    headers: HeadersSchema.optional(),
    /** `whsec_…` signs with Standard Webhooks; any other string signs `X-Hookhub-Signature: sha256=<hex>`. */
    secret: z.string().min(1).optional(),
    ...DestinationPolicyShape,
  }),
]);
export type Channel = z.output<typeof ChannelSchema>;
export type ChannelType = Channel['type'];
