import { z } from 'zod';
import { didYouMean } from '../shared/closest-match.ts';
import { DurationSchema } from '../config/units.ts';
import { NoiseSpecSchema } from '../noise/noise-spec.ts';
import { chatPlatforms, type ChatPlatformName } from './chat/platforms/index.ts';
import { AllowedChannelsSchema, AllowedUsersSchema } from './commands/allow-entry.ts';
import { TeamsSchema } from './scope/teams-setting.ts';

type PlatformSettings = { [Name in ChatPlatformName]: (typeof chatPlatforms)[Name]['settings'] };

/** `subscriptions.<platform>`: each chat platform's own block (API URL, bot token). */
function platformSettings(): PlatformSettings {
  return Object.fromEntries(Object.entries(chatPlatforms).map(([name, platform]) => [name, platform.settings])) as PlatformSettings;
}

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
  /** Which chat team or guild may subscribe to which connectors' events; absent = every team to every connector. */
  teams: TeamsSchema.optional(),
  ...platformSettings(),
  /** Chat channel id → a hookhub channel (incoming webhook) for platforms without a bot token. */
  channels: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Noise control applied to every subscription unless the subscription sets its own. */
  defaults: NoiseSpecSchema.optional(),
  /** How often each hub process re-reads subscriptions changed by other processes. */
  refresh: DurationSchema.default(5_000),
});

export type SubscriptionsConfig = z.output<typeof SubscriptionsConfigSchema>;
export type SubscriptionsConfigInput = z.input<typeof SubscriptionsConfigSchema>;

/**
 * `subscriptions.channels` entries naming a hookhub channel that `channels:` does not define, by
 * chat channel id: each subscription there would be stored, acknowledged, and dead-lettered at
 * every event.
 */
export function unknownMappedChannels(
  mapping: Readonly<Record<string, string>>,
  channels: readonly string[],
): { id: string; message: string }[] {
  const known = channels.length > 0 ? `channels in hookhub.yaml: ${channels.join(', ')}` : 'hookhub.yaml defines no channels';
  return Object.entries(mapping)
    .filter(([, name]) => !channels.includes(name))
    .map(([id, name]) => ({ id, message: `unknown channel "${name}"${didYouMean(name, channels)}; ${known}` }));
}
