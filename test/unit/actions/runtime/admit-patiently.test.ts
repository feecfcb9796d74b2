import { describe, expect, it, vi } from 'vitest';
import { createPatientAdmission } from '../../../../src/actions/runtime/admit-patiently.ts';
import { createDestinationGuards, type Admission } from '../../../../src/actions/runtime/destination-guards.ts';

const guards = () =>
  createDestinationGuards({ concurrency: 1, failureThreshold: 5, cooldownMs: 1_000, busyDelayMs: 500 }, () => new Date());

describe('patient admission', () => {
  it('admits a waiter as soon as the busy destination frees a slot, without waiting for a re-check', async () => {
    vi.useFakeTimers();
    try {
      const admit = createPatientAdmission(guards(), { maxWaitMs: 5_000, maxWaiting: () => 4 });
      const first = await admit('d', {});
      expect(first.ok).toBe(true);
      let second: Admission | undefined;
      void admit('d', {}).then((a) => (second = a));
      await vi.advanceTimersByTimeAsync(20);
      expect(second).toBeUndefined();
      if (first.ok) first.release('success');
      // No time passes: the release itself lets the waiter in.
      await vi.advanceTimersByTimeAsync(0);
      expect(second?.ok).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('puts back what is over the waiter cap at once, and a waiter gives up at its deadline', async () => {
    const admit = createPatientAdmission(guards(), { maxWaitMs: 150, maxWaiting: () => 1 });
    expect((await admit('d', {})).ok).toBe(true);
    const waiter = admit('d', {});
    const over = await admit('d', {});
    expect(over).toMatchObject({ ok: false, reason: 'busy' });
    const started = performance.now();
    expect(await waiter).toMatchObject({ ok: false, reason: 'busy' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('never waits for a destination paused by a 429: the job goes back to the bus at once', async () => {
    const g = guards();
    g.pause('d', {}, 60_000);
    const admit = createPatientAdmission(g, { maxWaitMs: 120_000, maxWaiting: () => 4 });
    expect(await admit('d', {})).toMatchObject({ ok: false, reason: 'paused' });
  });
});
