import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../../src/shared/duration.ts';
import { parseRetryAfter } from '../../../../src/actions/runtime/retry-after.ts';
import { createRetryPolicy, DEFAULT_RETRY_SCHEDULE_MS, RetrySchema } from '../../../../src/actions/runtime/retry-policy.ts';

describe('parseDuration', () => {
  it('reads ms, s, m, h, d and plain milliseconds', () => {
    expect([
      parseDuration('500ms'),
      parseDuration('5s'),
      parseDuration('2m'),
      parseDuration('1h'),
      parseDuration('1d'),
      parseDuration(250),
    ]).toEqual([500, 5_000, 120_000, 3_600_000, 86_400_000, 250]);
    expect(parseDuration('1.5s')).toBe(1_500);
  });
  it('rejects nonsense', () => {
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('-5s')).toBeUndefined();
    expect(parseDuration(Number.NaN)).toBeUndefined();
  });
});

describe('retry policy', () => {
  const noJitter = (): number => 0.5;

  it('defaults to 10 attempts: immediately, then 5s, 30s, 2m, 10m, 30m, 1h, 3h, 6h, 12h', () => {
    const policy = createRetryPolicy();
    expect(policy.maxAttempts).toBe(10);
    const delays = Array.from({ length: 9 }, (_, i) => policy.delayAfter(i + 1, noJitter));
    expect(delays).toEqual([...DEFAULT_RETRY_SCHEDULE_MS]);
  });

  it('applies +/-20% jitter by default', () => {
    const policy = createRetryPolicy();
    expect(policy.delayAfter(1, () => 0)).toBe(4_000);
    expect(policy.delayAfter(1, () => 1)).toBe(6_000);
  });

  it('takes an explicit schedule of durations', () => {
    const policy = createRetryPolicy(RetrySchema.parse({ schedule: ['100ms', '1s', '1m'], jitter: 0 }));
    expect(policy.maxAttempts).toBe(4);
    expect([1, 2, 3].map((a) => policy.delayAfter(a))).toEqual([100, 1_000, 60_000]);
    expect(policy.scheduleMs).toBe(61_100);
  });

  it('takes an exponential { attempts, base, factor, max }', () => {
    const policy = createRetryPolicy(RetrySchema.parse({ attempts: 6, base: '1s', factor: 3, max: '20s', jitter: 0 }));
    expect(policy.maxAttempts).toBe(6);
    expect([1, 2, 3, 4, 5].map((a) => policy.delayAfter(a))).toEqual([1_000, 3_000, 9_000, 20_000, 20_000]);
    expect(policy.scheduleMs).toBe(53_000);
  });

  it('rejects an invalid duration with a readable message', () => {
    const result = RetrySchema.safeParse({ schedule: ['five minutes'] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('invalid duration');
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1_500);
  });
  it('reads an HTTP date, and a past date as 0', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or invalid values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('later', now)).toBeUndefined();
  });
  it('reads the RFC 850 and asctime date forms too', () => {
    expect(parseRetryAfter('Thursday, 01-Jan-26 00:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Thu Jan  1 00:03:00 2026', now)).toBe(180_000);
  });
  it('takes a value that is neither seconds nor an HTTP date as absent (the schedule applies), not as a retry at once', () => {
    for (const junk of ['-1', '-30', 'soon 2', 'in 5', '5 minutes', '1e3']) expect(parseRetryAfter(junk, now), junk).toBeUndefined();
  });
});
