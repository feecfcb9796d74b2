import { z } from 'zod';
import { DurationSchema, fromEnvString } from '../../config/units.ts';

/**
 * Retry config for an action or channel: either an explicit `schedule` of delays before each
 * retry, or an exponential `{ attempts, base, factor, max }`. `jitter` is the +/- fraction.
 */
export const RetrySchema = z.union([
  z.strictObject({
    schedule: z.array(DurationSchema).max(100),
    jitter: fromEnvString(z.number().min(0).max(1)).optional(),
  }),
  z.strictObject({
    attempts: fromEnvString(z.number().int().min(1).max(100)),
    base: DurationSchema.optional(),
    factor: fromEnvString(z.number().min(1).max(100)).optional(),
    max: DurationSchema.optional(),
    jitter: fromEnvString(z.number().min(0).max(1)).optional(),
  }),
]);
/** Retry config as written (durations as strings or milliseconds). */
export type RetryConfig = z.input<typeof RetrySchema>;
type ParsedRetryConfig = z.output<typeof RetrySchema>;

/** Delays before retries 1..9 (attempt 1 is immediate): roughly Svix's schedule, stretched over a day. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
];
const DEFAULT_JITTER = 0.2;

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  /** The whole schedule without jitter: the sum of the delays before retries 2..maxAttempts. */
  readonly scheduleMs: number;
  /** Delay before attempt `attempt + 1`, after `attempt` failed (1-based), jitter applied. */
  delayAfter(attempt: number, random?: () => number): number;
}

/** Builds the policy for a retry config (undefined = the default schedule). Throws ConfigError-worthy zod errors on bad input. */
export function createRetryPolicy(input?: RetryConfig): RetryPolicy {
  const config = input === undefined ? undefined : RetrySchema.parse(input);
  const jitter = config?.jitter ?? DEFAULT_JITTER;
  const base = baseDelays(config);
  let scheduleMs = 0;
  for (let attempt = 1; attempt < base.maxAttempts; attempt++) scheduleMs += base.delay(attempt);
  return {
    maxAttempts: base.maxAttempts,
    scheduleMs,
    delayAfter(attempt, random = Math.random) {
      const delay = base.delay(attempt);
      return Math.max(0, Math.round(delay * (1 + jitter * (2 * random() - 1))));
    },
  };
}

function baseDelays(config?: ParsedRetryConfig): { maxAttempts: number; delay: (attempt: number) => number } {
  if (config === undefined || 'schedule' in config) {
    const schedule = config?.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
    return {
      maxAttempts: schedule.length + 1,
      delay: (attempt) => schedule[Math.min(attempt, schedule.length) - 1] ?? 0,
    };
  }
  const base = config.base ?? 5_000;
  const factor = config.factor ?? 2;
  const max = config.max ?? 43_200_000;
  return {
    maxAttempts: config.attempts,
    delay: (attempt) => Math.min(max, base * factor ** Math.max(0, attempt - 1)),
  };
}
