import { z } from 'zod';

/** Slack Web API: a bot token (`xoxb-…`, scope chat:write) posts to the subscribed channels, threaded. */
export const SlackSettingsSchema = z
  .strictObject({ botToken: z.string().min(1).optional(), apiUrl: z.url({ protocol: /^https?$/ }).default('https://slack.com/api') })
  .default({ apiUrl: 'https://slack.com/api' });
