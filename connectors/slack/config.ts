import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';
import { ToleranceSchema } from '../shared/timestamp.ts';

/** `connectors.<name>` for `type: slack`. Strict, so a typo (`secrets:`) is reported, not ignored. */
export const SlackConfigSchema = z.strictObject({
  type: z.literal('slack'),
  /** The app's Signing Secret (Basic Information → App Credentials); a list while rotating. */
  secret: SecretListSchema,
  /** How old `X-Slack-Request-Timestamp` may be, in seconds. Slack recommends 5 minutes. */
  tolerance: ToleranceSchema,
});

export type SlackConfig = z.output<typeof SlackConfigSchema>;
