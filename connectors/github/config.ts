import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';

/**
 * `connectors.<name>` for `type: github`. Strict, so a typo (`secrets:`) is reported, not ignored.
 * `repos`, `orgs`, `events` and `publicUrl` are accepted for the GitHub setup helpers to come.
 */
export const GithubConfigSchema = z.strictObject({
  type: z.literal('github'),
  secret: SecretListSchema,
  repos: z.array(z.string()).optional(),
  orgs: z.array(z.string()).optional(),
  events: z.array(z.string()).optional(),
  publicUrl: z.string().optional(),
});

export type GithubConfig = z.output<typeof GithubConfigSchema>;
