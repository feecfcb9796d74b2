import { z } from 'zod';
import { DurationSchema } from '../config/units.ts';
import { NoiseSpecSchema } from '../noise/noise-spec.ts';
import { AllowedChannelsSchema, AllowedUsersSchema } from './commands/allow-entry.ts';

const ApiUrl = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);

/**
 * hookhub.yaml `subscriptions:` — chat subscriptions made with `/hookhub subscribe …`.
 * Who may change subscriptions, how messages reach chat channels, and default noise control.
 */
export const SubscriptionsConfigSchema = z.strictObject({
  /** The slash command's name, without the slash (`/hookhub`). */
  command: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, 'command names are lowercase letters, digits, - and _')
    .default('hookhub'),
  /**
   * Who may subscribe, unsubscribe and mute. Entries are ids qualified by team or guild
   * (`slack:T024BE7LD/U024BE7LH`), never names; `*` allows everyone. With both lists set, the user
   * must be listed AND be in a listed channel. Nothing listed: nobody (list/help stay open).
   */
  allow: z
    .strictObject({ users: AllowedUsersSchema.default([]), channels: AllowedChannelsSchema.default([]) })
    .default({ users: [], channels: [] }),
  /** Slack Web API: a bot token (`xoxb-…`, scope chat:write) posts to the subscribed channels, threaded. */
  slack: z
    .strictObject({ botToken: z.string().min(1).optional(), apiUrl: ApiUrl('https://slack.com/api') })
    .default({ apiUrl: 'https://slack.com/api' }),
  /** Discord REST API: a bot token posts to channels; apiUrl also serves interaction follow-ups. */
  discord: z
    .strictObject({ botToken: z.string().min(1).optional(), apiUrl: ApiUrl('https://discord.com/api/v10') })
    .default({ apiUrl: 'https://discord.com/api/v10' }),
  /** Mattermost REST API v4: the server URL and a bot account's access token. */
  mattermost: z.strictObject({ url: z.url({ protocol: /^https?$/ }).optional(), botToken: z.string().min(1).optional() }).default({}),
  /** Chat channel id → a hookhub channel (incoming webhook) for platforms without a bot token. */
  channels: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Noise control applied to every subscription unless the subscription sets its own. */
  defaults: NoiseSpecSchema.optional(),
  /** How often each hub process re-reads subscriptions changed by other processes. */
  refresh: DurationSchema.default(5_000),
});

export type SubscriptionsConfig = z.output<typeof SubscriptionsConfigSchema>;
export type SubscriptionsConfigInput = z.input<typeof SubscriptionsConfigSchema>;
