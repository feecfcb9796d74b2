import { z } from 'zod';
import { SecretListSchema } from '../shared/secret-list.ts';
import { HUB_PREFIX_MESSAGE, isHubEventPrefix } from '../shared/provider-name.ts';
import { ToleranceSchema } from '../shared/timestamp.ts';

const HeaderNameSchema = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'not a valid HTTP header name' });
/** A dotted path into the JSON body: `event.type`, `entries.0.id` (numbers index arrays). */
const JsonPathSchema = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, { error: 'expected a dotted path like event.type' });

const PLACEHOLDER = /\{([a-z]+)\}/g;

export const GenericHmacSchema = z
  .strictObject({
    /** The header carrying the signature, e.g. `X-Signature`. */
    header: HeaderNameSchema,
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    /** Text before the digest in the header, e.g. `sha256=`. */
    prefix: z.string().optional(),
    /** What is signed: `{body}` (default), `{timestamp}.{body}`, `{id}.{timestamp}.{body}`, … */
    signedContent: z.string().default('{body}'),
    /** Header with the Unix-seconds timestamp; when set, it is also checked against `tolerance`. */
    timestampHeader: HeaderNameSchema.optional(),
    /** Header with the delivery id, for `{id}` in `signedContent`. */
    idHeader: HeaderNameSchema.optional(),
    tolerance: ToleranceSchema,
    secret: SecretListSchema,
  })
  .superRefine((hmac, ctx) => {
    const names = [...hmac.signedContent.matchAll(PLACEHOLDER)].map((m) => m[1]);
    if (names.filter((n) => n === 'body').length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['signedContent'], message: 'signedContent must contain {body} exactly once' });
    }
    for (const name of names) {
      if (name !== 'body' && name !== 'timestamp' && name !== 'id') {
        ctx.addIssue({ code: 'custom', path: ['signedContent'], message: `unknown placeholder {${name}} (use {body}, {timestamp}, {id})` });
      }
    }
    if (names.includes('timestamp') && !hmac.timestampHeader) {
      ctx.addIssue({ code: 'custom', path: ['timestampHeader'], message: '{timestamp} in signedContent needs timestampHeader' });
    }
    // A timestamp the signature does not cover proves nothing: anyone replaying a body can put a fresh one beside it.
    if (hmac.timestampHeader && !names.includes('timestamp')) {
      ctx.addIssue({
        code: 'custom',
        path: ['timestampHeader'],
        message:
          'timestampHeader is only checked when the signature covers it: add {timestamp} to signedContent (e.g. "{timestamp}.{body}"), or drop timestampHeader',
      });
    }
    if (names.includes('id') && !hmac.idHeader) {
      ctx.addIssue({ code: 'custom', path: ['idHeader'], message: '{id} in signedContent needs idHeader' });
    }
  });

export const GenericApiKeySchema = z.strictObject({
  header: HeaderNameSchema,
  /** Text before the key in the header, e.g. `Bearer `. */
  prefix: z.string().optional(),
  secret: SecretListSchema,
});

export const GenericBasicSchema = z.strictObject({
  username: z
    .string()
    .min(1)
    .refine((u) => !u.includes(':'), { error: 'a basic-auth username cannot contain ":"' }),
  password: SecretListSchema,
});

const ExtractSchema = z
  .strictObject({ header: HeaderNameSchema.optional(), path: JsonPathSchema.optional() })
  .refine((e) => e.header !== undefined || e.path !== undefined, { error: 'give a header, a path, or both' });

/**
 * `type: generic`: any provider hookhub does not name. Exactly one verification method.
 * Secret fields (for redaction): `verify.hmac.secret`, `verify.apiKey.secret`, `verify.basic.password`.
 */
export const GenericConfigSchema = z.strictObject({
  type: z.literal('generic'),
  /** The event type prefix: `provider: acme` gives `acme.<event>`. */
  provider: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, { error: 'provider must be lowercase letters, digits, _ or - (it prefixes event types)' })
    .refine((p) => !isHubEventPrefix(p), { error: HUB_PREFIX_MESSAGE }),
  verify: z
    .strictObject({
      hmac: GenericHmacSchema.optional(),
      apiKey: GenericApiKeySchema.optional(),
      basic: GenericBasicSchema.optional(),
    })
    .refine((v) => [v.hmac, v.apiKey, v.basic].filter((m) => m !== undefined).length === 1, {
      error: 'verify needs exactly one of hmac, apiKey or basic',
    }),
  typeFrom: ExtractSchema.optional(),
  idFrom: ExtractSchema.optional(),
});

export type GenericConfig = z.output<typeof GenericConfigSchema>;
export type GenericHmac = z.output<typeof GenericHmacSchema>;
export type GenericApiKey = z.output<typeof GenericApiKeySchema>;
export type GenericBasic = z.output<typeof GenericBasicSchema>;
