import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../../../src/actions/runtime/circuit-breaker.ts';
import { createDestinationGuards } from '../../../../src/actions/runtime/destination-guards.ts';
import { DestinationPolicySchema } from '../../../../src/actions/runtime/destination-policy.ts';
import { createTokenBucket } from '../../../../src/actions/runtime/token-bucket.ts';

function clock(start = 0) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures and admits one probe after the cooldown', () => {
    const c = clock();
    const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000 }, c.now);
    breaker.onFailure();
    breaker.onFailure();
    expect(breaker.admit()).toEqual({ ok: true });
    breaker.onFailure();
    expect(breaker.state()).toBe('open');
    expect(breaker.admit()).toEqual({ ok: false, retryInMs: 10_000 });
    c.advance(4_000);
    expect(breaker.admit()).toEqual({ ok: false, retryInMs: 6_000 });
    c.advance(6_000);
    expect(breaker.state()).toBe('half-open');
    expect(breaker.admit()).toEqual({ ok: true });
    expect(breaker.admit().ok).toBe(false);
    breaker.onSuccess();
    expect(breaker.state()).toBe('closed');
    expect(breaker.admit()).toEqual({ ok: true });
  });

  it('a failed probe re-opens for a full cooldown; a success resets the count', () => {
    const c = clock();
    const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000 }, c.now);
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    expect(breaker.state()).toBe('closed');
    breaker.onFailure();
    c.advance(1_000);
    expect(breaker.admit().ok).toBe(true);
    breaker.onFailure();
    expect(breaker.admit()).toEqual({ ok: false, retryInMs: 1_000 });
  });
});

describe('token bucket', () => {
  it('allows a burst, then one token per interval', () => {
    const c = clock();
    const bucket = createTokenBucket({ rate: 2, perMs: 1_000, burst: 2 }, c.now);
    expect([bucket.take(), bucket.take()]).toEqual([0, 0]);
    expect(bucket.take()).toBe(500);
    c.advance(500);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(500);
  });
});

describe('destination guards', () => {
  const defaults = { concurrency: 2, failureThreshold: 2, cooldownMs: 5_000, busyDelayMs: 250 };

  it('limits concurrency per destination, not across destinations', () => {
    const guards = createDestinationGuards(defaults, clock().now);
    const a1 = guards.admit('a', {});
    const a2 = guards.admit('a', {});
    expect(a1.ok && a2.ok).toBe(true);
    expect(guards.admit('a', {})).toEqual({ ok: false, delayMs: 250, reason: 'busy' });
    expect(guards.admit('b', {}).ok).toBe(true);
    if (a1.ok) a1.release('success');
    expect(guards.admit('a', {}).ok).toBe(true);
  });

  it('defers an open circuit with the remaining cooldown', () => {
    const c = clock();
    const guards = createDestinationGuards(defaults, c.now);
    for (let i = 0; i < 2; i++) {
      const admission = guards.admit('down', {});
      if (admission.ok) admission.release('failure');
    }
    c.advance(1_000);
    expect(guards.admit('down', {})).toEqual({ ok: false, delayMs: 4_000, reason: 'circuit-open' });
    expect(guards.admit('up', {}).ok).toBe(true);
  });

  it('applies a channel rate limit like 1/s', () => {
    const c = clock();
    const guards = createDestinationGuards(defaults, c.now);
    const policy = DestinationPolicySchema.parse({ rateLimit: '1/s' });
    const first = guards.admit('slow', policy);
    expect(first.ok).toBe(true);
    if (first.ok) first.release('success');
    expect(guards.admit('slow', policy)).toEqual({ ok: false, delayMs: 1_000, reason: 'rate-limited' });
  });

  it('a paused destination (429) admits nothing until its pause has passed; a shorter pause does not cut it', () => {
    const c = clock();
    const guards = createDestinationGuards(defaults, c.now);
    const inFlight = guards.admit('chat', {});
    guards.pause('chat', {}, 1_000);
    guards.pause('chat', {}, 200);
    expect(guards.admit('chat', {})).toEqual({ ok: false, delayMs: 1_000, reason: 'paused' });
    expect(guards.admit('other', {}).ok).toBe(true);
    if (inFlight.ok) inFlight.release('neutral');
    c.advance(600);
    expect(guards.pausedFor('chat')).toBe(400);
    expect(guards.admit('chat', {})).toEqual({ ok: false, delayMs: 400, reason: 'paused' });
    c.advance(400);
    expect(guards.pausedFor('chat')).toBe(0);
    expect(guards.admit('chat', {}).ok).toBe(true);
    expect(guards.circuit('chat')).toBe('closed');
  });

  it('after a pause, admits one attempt alone, and the rest once it ends without a new pause', () => {
    const c = clock();
    const guards = createDestinationGuards(defaults, c.now);
    guards.pause('chat', {}, 1_000);
    c.advance(1_000);
    const probe = guards.admit('chat', {});
    expect(probe.ok).toBe(true);
    // The jobs the pause held back would all come back now: they wait for the probe, using no attempt.
    expect(guards.admit('chat', {})).toEqual({ ok: false, delayMs: defaults.busyDelayMs, reason: 'probing' });
    expect(guards.admit('other', {}).ok).toBe(true);
    if (probe.ok) probe.release('success');
    // Up to the destination's concurrency (2 here) again.
    const rest = [guards.admit('chat', {}), guards.admit('chat', {})];
    expect(rest.map((a) => a.ok)).toEqual([true, true]);
    for (const a of rest) if (a.ok) a.release('success');
  });

  it('a probe met by 429 pauses the destination again, and the next pause ends with a probe too', () => {
    const c = clock();
    const guards = createDestinationGuards(defaults, c.now);
    guards.pause('chat', {}, 500);
    c.advance(500);
    const probe = guards.admit('chat', {});
    // A 429 pauses before its release (attempt-and-settle.ts), and uses no attempt ('neutral').
    guards.pause('chat', {}, 500);
    if (probe.ok) probe.release('neutral');
    expect(guards.admit('chat', {})).toMatchObject({ ok: false, reason: 'paused' });
    c.advance(500);
    const second = guards.admit('chat', {});
    expect(second.ok).toBe(true);
    expect(guards.admit('chat', {})).toMatchObject({ ok: false, reason: 'probing' });
    // A failure other than a pause ends the probing too: the destination no longer asks us to slow down.
    if (second.ok) second.release('failure');
    expect(guards.admit('chat', {}).ok).toBe(true);
  });

  it('parses rate limits idempotently (a parsed config parses to itself)', () => {
    const once = DestinationPolicySchema.parse({ rateLimit: { rate: 5, per: '1m', burst: 10 }, timeout: '3s' });
    expect(once).toEqual({ rateLimit: { rate: 5, perMs: 60_000, burst: 10 }, timeout: 3_000 });
    expect(DestinationPolicySchema.parse(once)).toEqual(once);
  });
});
