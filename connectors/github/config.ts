import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';
import { privateKeyProblem } from './private-key.ts';
import { DurationSchema } from '../../src/config/units.ts';

/** GitHub keeps deliveries for 3 days; older ones can be neither listed nor redelivered. */
export const GITHUB_DELIVERY_RETENTION_MS = 3 * 24 * 3600 * 1000;

const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const ORG = /^[A-Za-z0-9-]+$/;

/** A GitHub App installation: hookhub mints installation tokens and refreshes them before they expire. */
const GithubAppSchema = z.strictObject({
  appId: z.union([z.string().min(1), z.number().int().positive()]).transform(String),
  /** PEM text (`\n` escapes are accepted, as in environment variables). */
  privateKey: z
    .string()
    .min(1, { error: 'app.privateKey is empty — set the environment variable it comes from' })
    .superRefine((key, ctx) => {
      const problem = key === '' ? undefined : privateKeyProblem(key);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  /** Needed to manage repo/org hooks; not for the App's own webhook (`appWebhook`). */
  installationId: z.coerce.number().int().positive().optional(),
});

/** Missed-delivery recovery: list recent deliveries, redeliver the failed ones the hub does not have. */
const ReconcileSchema = z.strictObject({
  /** How often; `0` turns periodic and on-start reconciliation off. Default 10m. */
  every: DurationSchema.default(10 * 60 * 1000),
  /** How far back to look; at most GitHub's 3 days. Default 3d. */
  lookback: DurationSchema.default(GITHUB_DELIVERY_RETENTION_MS).refine((v) => v > 0 && v <= GITHUB_DELIVERY_RETENTION_MS, {
    error: 'reconcile.lookback must be more than 0 and at most 3d (GitHub keeps deliveries for 3 days)',
  }),
  /** Stop asking GitHub to redeliver a delivery after this many redeliveries (one that fails every time). Default 3. */
  maxRedeliveries: z.coerce.number().int().min(1).max(20).default(3),
});

/** Rule changes reviewed by their effect: a check run on pull requests that touch the rules folder (docs/rules.md). */
const RulesCheckSchema = z.strictObject({
  /** The repository that holds the hub's rules, `owner/repo`. */
  repo: z.string().regex(REPO, { error: 'rulesCheck.repo looks like owner/repo' }),
  /** The rules folder in that repository. Default `rules/`. */
  path: z
    .string()
    .default('rules/')
    .transform((p) => p.replace(/^\/+|\/+$/g, ''))
    .refine((p) => p !== '' && !p.split('/').includes('..'), { error: 'rulesCheck.path is a folder inside the repository, like rules/' }),
  /** How many of the hub's newest events the diff is run on. Default 1000. */
  last: z.coerce.number().int().min(1).max(100_000).default(1000),
});

/**
 * `connectors.<name>` for `type: github`. Strict, so a typo (`secrets:`) is reported, not ignored.
 *
 * With `repos`/`orgs` and API access (`token` or `app`) the hub keeps exactly one webhook per repo/org
 * pointing at `<publicUrl>/hooks/<name>` and recovers failed deliveries (see docs/github.md).
 */
export const GithubConfigSchema = z
  .strictObject({
    type: z.literal('github'),
    secret: SecretListSchema,
    repos: z.array(z.string().regex(REPO, { error: 'repos entries look like owner/repo' })).optional(),
    orgs: z.array(z.string().regex(ORG, { error: 'orgs entries are organization logins, like acme' })).optional(),
    /** Webhook events to subscribe to. Default `['*']` (everything; filter with rules). */
    events: z
      .array(z.string().regex(/^(\*|[a-z_]+)$/, { error: 'events are GitHub event names like push, pull_request, or *' }))
      .min(1)
      .optional(),
    /** Base URL GitHub reaches the hub at; default `server.publicUrl`. The hook URL is `<publicUrl>/hooks/<name>`. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** A personal access token (classic: `admin:repo_hook`/`admin:org_hook`; fine-grained: Webhooks read & write). */
    token: z.string().min(1, { error: 'token is empty — set the environment variable it comes from' }).optional(),
    app: GithubAppSchema.optional(),
    /** REST API base URL; for GitHub Enterprise Server `https://<host>/api/v3`. */
    apiUrl: z.url({ protocol: /^https?$/ }).optional(),
    reconcile: ReconcileSchema.optional(),
    /** This connector receives the GitHub App's own webhook: keep its URL and secret, and recover its missed deliveries. */
    appWebhook: z.boolean().optional(),
    rulesCheck: RulesCheckSchema.optional(),
  })
  .refine((c) => !(c.token && c.app), { error: 'give either token or app, not both', path: ['token'] })
  .superRefine((c, ctx) => {
    // An org hook already delivers every event of the org's repos; a repo hook as well would deliver each twice.
    const covered = coveredRepos(c);
    if (covered.length === 0) return;
    const message = `${covered.join(', ')} belong${covered.length === 1 ? 's' : ''} to an org that is also listed: each event would arrive twice (once per hook); drop ${covered.length === 1 ? 'it' : 'them'} from repos`;
    ctx.addIssue({ code: 'custom', path: ['repos'], message });
  })
  .refine((c) => !c.appWebhook || c.app, {
    error: "appWebhook needs app { appId, privateKey } (the App webhook is managed with the App's JWT)",
    path: ['appWebhook'],
  })
  .refine((c) => !c.app || c.app.installationId !== undefined || (!c.repos?.length && !c.orgs?.length), {
    error: 'repos/orgs with app need app.installationId (the installation that may manage their hooks)',
    path: ['app'],
  })
  .refine((c) => !c.rulesCheck || c.token || c.app, {
    error: 'rulesCheck needs GitHub API access: set app { appId, privateKey, installationId } (check runs need an App) or token',
    path: ['rulesCheck'],
  })
  .refine((c) => c.token || c.app || (!c.repos?.length && !c.orgs?.length), {
    error: 'repos/orgs need GitHub API access: set token (a PAT) or app { appId, privateKey, installationId }',
    path: ['repos'],
  });

export type GithubConfig = z.output<typeof GithubConfigSchema>;
export type RulesCheckConfig = z.output<typeof RulesCheckSchema>;

function coveredRepos(c: { repos?: string[] | undefined; orgs?: string[] | undefined }): string[] {
  const orgs = new Set((c.orgs ?? []).map((o) => o.toLowerCase()));
  return (c.repos ?? []).filter((r) => orgs.has((r.split('/')[0] ?? '').toLowerCase()));
}
export type GithubAppConfig = z.output<typeof GithubAppSchema>;
export type GithubReconcileConfig = z.output<typeof ReconcileSchema>;

/** `apiUrl` and `reconcile` with their defaults applied (optional in the type so that code building a config by hand need not spell them out). */
export function githubApiDefaults(config: GithubConfig): { apiUrl: string; reconcile: GithubReconcileConfig } {
  return { apiUrl: config.apiUrl ?? 'https://api.github.com', reconcile: config.reconcile ?? ReconcileSchema.parse({}) };
}
