/** Issue 14 item 15: in-memory maps keyed by destinations or client addresses stay bounded, one key at a time. */
import { describe, expect, it } from 'vitest';
import { createDestinationGuards } from '../../../../src/actions/runtime/destination-guards.ts';
import { createGoneDestinations } from '../../../../src/actions/runtime/gone-destinations.ts';
import { createLoginThrottle } from '../../../../src/api/login-throttle.ts';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { openTempEmbeddedBus } from '../../../helpers/hub-fixtures.ts';

function clock(start = 0) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('destination guards', () => {
  it('cap the breaker map even when every breaker is open, forgetting the least recently used', () => {
    const guards = createDestinationGuards({ concurrency: 2, failureThreshold: 1, cooldownMs: 60_000, busyDelayMs: 250 }, clock().now);
    for (let i = 0; i < 10_050; i++) {
      const admission = guards.admit(`https://hooks.example/${i}`, {});
      if (admission.ok) admission.release('failure');
    }
    expect(guards.tracked()).toBe(10_000);
    expect(guards.circuit('https://hooks.example/10049')).toBe('open');
    expect(guards.circuit('https://hooks.example/0')).toBe('closed');
  });
});

describe('gone destinations', () => {
  /** The bus, counting reads of destination records. */
  function counting(bus: EventBus) {
    const reads: string[] = [];
    const view: EventBus = { ...bus, records: (ref: string) => (reads.push(ref), bus.records(ref)), record: bus.record.bind(bus) };
    return { view, reads };
  }

  it("expire per key, so another process's 410 mark is seen, and stay within their cap", async () => {
    const bus = await openTempEmbeddedBus();
    try {
      const c = clock(Date.parse('2026-12-05T00:00:00Z'));
      const { view, reads } = counting(bus);
      const here = createGoneDestinations(view, c.now, { ttlMs: 60_000, max: 100 });
      const elsewhere = createGoneDestinations(bus, c.now);
      expect(await here.goneSince('a')).toBeUndefined();
      await elsewhere.markGone('a', 'job-1');
      expect(await here.goneSince('a')).toBeUndefined();
      c.advance(60_001);
      expect(await here.goneSince('a')).toBe('2026-12-05T00:00:00.000Z');

      for (let i = 0; i < 150; i++) await here.goneSince(`d-${i}`);
      reads.length = 0;
      await here.goneSince('d-149');
      await here.goneSince('d-0');
      // The newest is cached; the oldest was evicted and is read again.
      expect(reads).toEqual(['destination:d-0']);
    } finally {
      await bus.close();
    }
  });
});

describe('login throttle', () => {
  it('keeps blocking an address while 10k other addresses fail, and expires each window on its own', () => {
    const c = clock(Date.parse('2026-12-05T00:00:00Z'));
    const throttle = createLoginThrottle(c.now);
    for (let i = 0; i < 10; i++) throttle.fail('203.0.113.7');
    expect(throttle.blocked('203.0.113.7')).toBe(true);
    for (let i = 0; i < 10_001; i++) {
      throttle.fail(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
      // The blocked address keeps trying (and is refused) while the others fail.
      if (i % 1_000 === 0) expect(throttle.blocked('203.0.113.7')).toBe(true);
    }
    expect(throttle.blocked('203.0.113.7')).toBe(true);
    c.advance(30_000);
    throttle.fail('198.51.100.1');
    c.advance(30_001);
    expect(throttle.blocked('203.0.113.7')).toBe(false);
    for (let i = 0; i < 9; i++) throttle.fail('198.51.100.1');
    expect(throttle.blocked('198.51.100.1')).toBe(true);
  });
});
