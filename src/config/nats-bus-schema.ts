import { z } from 'zod';
import { DurationSchema, fromEnvString } from './units.ts';

/**
 * One of user/password, token, NKey seed or creds file. One flat object rather than a zod union, so a
 * wrong mix gets one clear message at its line instead of four "invalid input" branches.
 */
export const NatsAuthSchema = z
  .object({
    user: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    /** A user NKey seed (`SU…`), e.g. from `nsc` or `nk -gen user`. */
    nkeySeed: z
      .string()
      .regex(/^SU[A-Z2-7]+$/, 'nkeySeed must be a user NKey seed (it starts with SU)')
      .optional(),
    /** A `.creds` file (JWT + seed), as NGS / Synadia Cloud hand out. */
    credsFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((auth, ctx) => {
    const kinds = [auth.user !== undefined || auth.password !== undefined, auth.token, auth.nkeySeed, auth.credsFile].filter(
      Boolean,
    ).length;
    if (kinds !== 1) {
      ctx.addIssue({ code: 'custom', message: 'use exactly one of { user, password }, { token }, { nkeySeed } or { credsFile }' });
    } else if ((auth.user === undefined) !== (auth.password === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'user and password go together' });
    }
  });
export type NatsAuth = z.output<typeof NatsAuthSchema>;

/** File paths (relative to hookhub.yaml) or PEM text; cert and key are a client certificate for mutual TLS. */
export const NatsTlsSchema = z
  .object({ ca: z.string().min(1).optional(), cert: z.string().min(1).optional(), key: z.string().min(1).optional() })
  .strict()
  .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), { message: 'tls.cert and tls.key go together' });
export type NatsTls = z.output<typeof NatsTlsSchema>;

const SCHEMES = new Set(['nats:', 'tls:']);

/**
 * Why a comma-separated server list is unusable, or undefined. Entries are `nats://host:port`,
 * `tls://host:port` or `host:port`. Never echoes an entry: it may hold a user:password.
 */
export function serverListProblem(list: string): string | undefined {
  const entries = list.split(',').map((s) => s.trim());
  for (const [index, entry] of entries.entries()) {
    const where = entries.length === 1 ? 'the server URL' : `server ${index + 1} of ${entries.length}`;
    if (entry === '') return `${where} is empty (separate servers with single commas)`;
    let url: URL;
    try {
      url = new URL(entry.includes('://') ? entry : `nats://${entry}`);
    } catch {
      return `${where} is not a URL (use nats://host:4222 or tls://host:4222)`;
    }
    if (!SCHEMES.has(url.protocol)) return `${where} has an unsupported scheme (use nats:// or tls://)`;
    if (url.hostname === '') return `${where} has no host`;
  }
  return undefined;
}

const ServerListSchema = z
  .string()
  .min(1)
  .superRefine((list, ctx) => {
    const problem = serverListProblem(list);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

export const NatsBusSchema = z
  .object({
    type: z.literal('nats'),
    /** One server or a comma-separated list, like the nats CLI's `--server`. */
    url: ServerListSchema.default('nats://127.0.0.1:4222'),
    retention: DurationSchema.default(7 * 24 * 3600 * 1000),
    /** Copies of every stream and KV bucket: 1, or 3 (or 5) on a cluster. */
    replicas: fromEnvString(z.number().int().min(1).max(5)).default(1),
    auth: NatsAuthSchema.optional(),
    tls: NatsTlsSchema.optional(),
  })
  .strict();
export type NatsBusConfig = z.output<typeof NatsBusSchema>;
