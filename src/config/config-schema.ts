import { z } from 'zod';
import { isAllowEntry } from '../actions/runtime/ssrf/network-policy.ts';
import { isAddressOrRange } from '../http/client-address.ts';
import { SubscriptionsConfigSchema } from '../subscriptions/settings.ts';
import { NatsBusSchema } from './nats-bus-schema.ts';
import { BooleanLikeSchema, DurationSchema, fromEnvString, SizeSchema } from './units.ts';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Node reads a 0 server timeout as none at all. */
const SLOW_CLIENT_LIMIT_OFF =
  'must be more than 0: 0 turns the limit off and lets slow clients hold connections for ever (give a duration such as 10s)';

export const ServerSchema = z
  .object({
    port: fromEnvString(z.number().int().min(0).max(65535)).default(8080),
    host: z.string().default('127.0.0.1'),
    bodyLimit: SizeSchema.default(1024 * 1024),
    /** The URL providers reach this hub at (used by connectors that sign the URL, and GitHub hook setup). */
    publicUrl: z.url().optional(),
    /** Slow clients: the whole header block within this (Slowloris), the whole request within requestTimeout. */
    headersTimeout: DurationSchema.default(10_000).refine((ms) => ms > 0, { error: SLOW_CLIENT_LIMIT_OFF }),
    requestTimeout: DurationSchema.default(30_000).refine((ms) => ms > 0, { error: SLOW_CLIENT_LIMIT_OFF }),
    /** Open connections at most; more are refused at accept. */
    maxConnections: fromEnvString(z.number().int().min(1)).default(10_000),
    /** Reverse proxies (IPs or CIDRs) whose X-Forwarded-For names the client, for per-client limits. */
    trustedProxies: z.array(z.string().refine(isAddressOrRange, 'an IP address or a CIDR range, e.g. 10.0.0.0/8 or 127.0.0.1')).default([]),
  })
  .strict();

const EmbeddedBusSchema = z
  .object({
    type: z.literal('embedded'),
    path: z.string().min(1).default('./data/hookhub.db'),
    retention: DurationSchema.default(7 * 24 * 3600 * 1000),
    /** How long a webhook waits for its event to be synced to disk before it is answered 503 (a stuck disk). Default 3s. */
    syncTimeout: DurationSchema.refine((ms) => ms > 0, 'must be more than 0').optional(),
  })
  .strict();

export const BusConfigSchema = z.discriminatedUnion('type', [EmbeddedBusSchema, NatsBusSchema]);
export type BusConfig = z.output<typeof BusConfigSchema>;

/** Each block is validated again, in full, by its connector's own schema (see load-config). */
const ConnectorBlockSchema = z.object({ type: z.string().min(1) }).passthrough();
const ChannelBlockSchema = z.object({ type: z.string().min(1) }).passthrough();

export const DeliverySchema = z
  .object({
    allowPrivateNetworks: BooleanLikeSchema.default(false),
    /** Hosts or CIDRs that outbound calls may reach even though they are private. */
    allowlist: z
      .array(
        z
          .string()
          .refine(
            isAllowEntry,
            'a host name, an IP address or a CIDR range (e.g. ci.internal, 10.0.0.5, 10.0.0.0/8), with no scheme, port, path or wildcard',
          ),
      )
      .default([]),
    timeout: DurationSchema.default(15_000).refine((ms) => ms > 0, {
      error: 'must be more than 0: every attempt would time out at once (give a duration such as 15s)',
    }),
  })
  .strict();

const ApiTokenSchema = z
  .object({
    /** Who holds it: shown in the dashboard and audit logs (never the token). */
    name: z.string().regex(NAME, 'token names are lowercase letters, digits, - and _'),
    token: z
      .string()
      .min(
        32,
        'API tokens must be at least 32 characters (e.g. `openssl rand -hex 32`), best kept in an env var: token: ${HOOKHUB_ADMIN_TOKEN}',
      ),
    role: z.enum(['viewer', 'admin']),
  })
  .strict();

/** The operator API and dashboard: bearer tokens (or a login with one) with roles; no tokens, no access. */
export const ApiSchema = z
  .object({
    tokens: z.array(ApiTokenSchema).default([]),
    /** How long a dashboard login lasts. */
    sessionTtl: DurationSchema.default(12 * 3600 * 1000),
  })
  .strict()
  .refine((api) => new Set(api.tokens.map((t) => t.name)).size === api.tokens.length, {
    message: 'token names must be unique',
    path: ['tokens'],
  })
  .refine((api) => new Set(api.tokens.map((t) => t.token)).size === api.tokens.length, {
    message: 'two tokens have the same value',
    path: ['tokens'],
  });
export type ApiConfig = z.output<typeof ApiSchema>;

/** When /readyz reports a consumer as stalled: pending work and no progress for `stallAfter`. */
export const ReadinessSchema = z
  .strictObject({
    stallAfter: DurationSchema.default(30_000).refine((v) => v >= 1_000, { error: 'readiness.stallAfter must be at least 1s' }),
  })
  .default({ stallAfter: 30_000 });

/** `rules: []` or `rules:` would otherwise give two zod messages about strings and arrays. */
function rulesHint(input: unknown): string {
  const got = Array.isArray(input) ? ', not a list' : input === null || input === '' ? ', not empty' : '';
  return `rules takes one path${got}: the folder of *.yaml rule files (or one rule file), relative to hookhub.yaml; write rules: ./rules, or leave it out for ./rules`;
}

const RulesPathSchema = z
  .string({ error: (issue) => rulesHint(issue.input) })
  .refine((path) => path.length > 0, { error: (issue) => rulesHint(issue.input) });

export const HubConfigSchema = z
  .object({
    server: ServerSchema.default(ServerSchema.parse({})),
    bus: BusConfigSchema.default({ type: 'embedded', path: './data/hookhub.db', retention: 7 * 24 * 3600 * 1000 }),
    connectors: z
      .record(z.string().regex(NAME, 'connector names are lowercase letters, digits, - and _'), ConnectorBlockSchema)
      .default({}),
    channels: z.record(z.string().regex(NAME, 'channel names are lowercase letters, digits, - and _'), ChannelBlockSchema).default({}),
    rules: RulesPathSchema.default('./rules'),
    delivery: DeliverySchema.default(DeliverySchema.parse({})),
    api: ApiSchema.default({ tokens: [], sessionTtl: 12 * 3600 * 1000 }),
    readiness: ReadinessSchema,
    /** Chat subscriptions (`/hookhub subscribe …`): who may subscribe, bot tokens, default noise control. */
    subscriptions: SubscriptionsConfigSchema.optional(),
  })
  .strict();

export type HubConfigInput = z.output<typeof HubConfigSchema>;
