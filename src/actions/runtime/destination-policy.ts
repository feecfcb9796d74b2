import { z } from 'zod';
import { DurationSchema, fromEnvString } from '../../config/units.ts';
import { RetrySchema } from './retry-policy.ts';

const RATE = /^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|m|min|minute|h|hour)$/;
const PER_MS: Readonly<Record<string, number>> = { s: 1e3, sec: 1e3, second: 1e3, m: 6e4, min: 6e4, minute: 6e4, h: 36e5, hour: 36e5 };

/** `10/s`, `600/min`, or `{ rate: 10, per: 1s, burst: 20 }`. */
export const RateLimitSchema = z.union([
  z.string().transform((value, ctx) => {
    const match = RATE.exec(value.trim());
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `invalid rate limit "${value}" (use e.g. 10/s or 600/min)` });
      return z.NEVER;
    }
    return { rate: Number(match[1]), perMs: PER_MS[match[2] ?? ''] ?? 1e3 };
  }),
  z
    .strictObject({
      rate: fromEnvString(z.number().positive()),
      per: DurationSchema.optional(),
      /** The parsed form, so parsing an already-parsed config is a no-op. */
      perMs: fromEnvString(z.number().positive()).optional(),
      burst: fromEnvString(z.number().int().positive()).optional(),
    })
    .transform(({ rate, per, perMs, burst }) => ({ rate, perMs: per ?? perMs ?? 1_000, ...(burst === undefined ? {} : { burst }) })),
]);

/** Delivery protection for one destination; allowed on every channel and on `webhook` action params. */
export const DestinationPolicyShape = {
  /** Retry schedule (see RetrySchema). */
  retry: RetrySchema.optional(),
  rateLimit: RateLimitSchema.optional(),
  /** At most this many attempts in flight to this destination. */
  concurrency: fromEnvString(z.number().int().min(1).max(1_000)).optional(),
  circuitBreaker: z
    .strictObject({ failures: fromEnvString(z.number().int().min(1)).optional(), cooldown: DurationSchema.optional() })
    .optional(),
  /** Per-attempt timeout (default 15 s). */
  timeout: DurationSchema.optional(),
};

export const DestinationPolicySchema = z.object(DestinationPolicyShape);
export type DestinationPolicy = z.output<typeof DestinationPolicySchema>;
