import { z } from 'zod';
import { BooleanLikeSchema, fromEnvString } from '../../config/units.ts';
import { parseDuration } from '../../shared/duration.ts';
import { DestinationPolicyShape } from '../runtime/destination-policy.ts';

const httpUrl = z.url({ protocol: /^https?$/ });
const secret = z.string().min(1);

/** Hold the post until someone with the link approves it (see docs/actions.md#approval). */
export const ApprovalSchema = z.strictObject({
  /** Channel (hookhub.yaml) that receives the approve/reject link. */
  channel: z.string().min(1),
  /** The hub's public base URL; the link is <url>/approvals/<token>. */
  url: httpUrl,
  /** HMAC key for the link: 32+ random characters, from ${VAR}. */
  secret: z.string().min(32, 'approval secret must be at least 32 characters (e.g. openssl rand -base64 32)'),
  /** How long the link works, from when the job was created. Default 24h. */
  expires: z
    .string()
    .refine((v) => (parseDuration(v) ?? 0) > 0, { message: 'expires is a duration such as 24h' })
    .default('24h'),
});

const common = {
  /** The post text (a template). Trimmed to the platform's limit; URLs are never cut. */
  text: z.string(),
  /** A link to add after the text (kept whole, never trimmed away). */
  link: z.string().optional(),
  /** Record what would be posted, post nothing. */
  dryRun: BooleanLikeSchema.default(false),
  approval: ApprovalSchema.optional(),
  /** Set by the hub when an approval link is used; not for rule files. */
  approved: z.strictObject({ at: z.string() }).optional(),
  ...DestinationPolicyShape,
};

/** https://docs.joinmastodon.org/methods/statuses/#create */
export const MastodonParamsSchema = z.strictObject({
  platform: z.literal('mastodon'),
  instance: httpUrl,
  /** An access token with write:statuses, read:statuses and read:accounts (a retry reads the account's statuses first). */
  token: secret,
  visibility: z.enum(['public', 'unlisted', 'private', 'direct']).default('public'),
  /** Content warning (spoiler_text); it counts toward the character limit. */
  spoiler: z.string().optional(),
  sensitive: BooleanLikeSchema.optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'language is an ISO 639 code such as en')
    .optional(),
  /** The instance's character limit (500 on mastodon.social). */
  maxLength: fromEnvString(z.number().int().min(10)).default(500),
  ...common,
});

/** https://docs.bsky.app/docs/advanced-guides/posts */
export const BlueskyParamsSchema = z.strictObject({
  platform: z.literal('bluesky'),
  /** Where createSession goes; writes go to the account's PDS from the session's DID document. */
  service: httpUrl.default('https://bsky.social'),
  /** Handle (alice.bsky.social) or DID. */
  identifier: z.string().min(1),
  /** An app password (Settings → App passwords), not the account password. */
  password: secret,
  langs: z.array(z.string().min(2)).max(3).optional(),
  ...common,
});

/** https://developers.facebook.com/docs/pages-api/posts */
export const FacebookParamsSchema = z.strictObject({
  platform: z.literal('facebook'),
  pageId: z.string().regex(/^\d+$/, 'pageId is the numeric Page id'),
  /** A Page access token with pages_manage_posts and pages_read_engagement (the Page's posts are read before posting). */
  token: secret,
  /** When the app requires it, appsecret_proof is sent (HMAC-SHA256 of the token with this key). */
  appSecret: secret.optional(),
  graph: httpUrl.default('https://graph.facebook.com'),
  version: z
    .string()
    .regex(/^v\d+\.\d+$/, 'version looks like v23.0')
    .default('v23.0'),
  ...common,
});

/** `crosspost` params, one platform per action (each gets its own retries and idempotency). */
export const CrosspostParamsSchema = z.discriminatedUnion('platform', [MastodonParamsSchema, BlueskyParamsSchema, FacebookParamsSchema]);
export type CrosspostParams = z.output<typeof CrosspostParamsSchema>;
export type CrosspostParamsOf<P extends CrosspostParams['platform']> = Extract<CrosspostParams, { platform: P }>;

/** A `${VAR}` left as written: the value never came from the environment. */
const PLACEHOLDER = /^\$\{[^}]+\}$/;

/**
 * The approval secret, or why it cannot be used: checked again when a post is held and when a link
 * is used, so a job written by hand (or an escaped `$${VAR}`) cannot sign with a placeholder.
 */
export function approvalSecretProblem(secret: string): string | undefined {
  if (PLACEHOLDER.test(secret.trim()))
    return `approval.secret is the literal text ${secret}: the variable was not expanded, and a published placeholder must never sign links`;
  if (secret.length < 32) return 'approval.secret must be at least 32 characters (e.g. openssl rand -base64 32)';
  return undefined;
}
