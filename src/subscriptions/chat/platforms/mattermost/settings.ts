import { z } from 'zod';

/** Mattermost REST API v4: the server URL and a bot account's access token. */
export const MattermostSettingsSchema = z
  .strictObject({ url: z.url({ protocol: /^https?$/ }).optional(), botToken: z.string().min(1).optional() })
  .default({});
