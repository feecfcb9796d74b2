import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';

/** `connectors.<name>` for `type: mattermost`. Strict, so a typo is reported, not ignored. */
export const MattermostConfigSchema = z.strictObject({
  type: z.literal('mattermost'),
  /**
   * The slash command's Token (Integrations → Slash Commands → the command). A list accepts several
   * (one per command, or the old one while you regenerate it).
   */
  token: SecretListSchema,
});

export type MattermostConfig = z.output<typeof MattermostConfigSchema>;
