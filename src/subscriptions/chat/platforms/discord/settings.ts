import { z } from 'zod';

/** Discord REST API: a bot token posts to channels; apiUrl also serves interaction follow-ups. */
export const DiscordSettingsSchema = z
  .strictObject({ botToken: z.string().min(1).optional(), apiUrl: z.url({ protocol: /^https?$/ }).default('https://discord.com/api/v10') })
  .default({ apiUrl: 'https://discord.com/api/v10' });
