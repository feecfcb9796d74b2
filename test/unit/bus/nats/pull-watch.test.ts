import { describe, expect, it } from 'vitest';
import { createPullWatch } from '../../../../src/bus/nats/pull-watch.ts';

/** The parts of a consumer's info the watch reads: requests waiting, and how many deliveries so far. */
function info(waiting: number, deliveries: number) {
  return { num_waiting: waiting, delivered: { consumer_seq: deliveries, stream_seq: deliveries, last_active: 0 } };
}

describe('createPullWatch', () => {
  const windowMs = 40_000;

  it('tells nobody pulls only after a whole window with no request waiting and no delivery', () => {
    let now = 0;
    const watch = createPullWatch(windowMs, () => now);
    expect(watch.pulling(info(0, 7), false)).toBe(true); // just started: it has not watched long enough
    now = 39_999;
    expect(watch.pulling(info(0, 7), false)).toBe(true);
    now = 40_000;
    expect(watch.pulling(info(0, 7), false)).toBe(false);
  });

  it('reads between two fetches of another hub (no request for a round trip) as pulling', () => {
    let now = 0;
    const watch = createPullWatch(windowMs, () => now);
    now = 60_000;
    expect(watch.pulling(info(1, 7), false)).toBe(true);
    now = 65_000;
    expect(watch.pulling(info(0, 7), false)).toBe(true);
    now = 100_000; // the other hub stopped after the read at 60 s
    expect(watch.pulling(info(0, 7), false)).toBe(false);
  });

  it('reads a hub whose batch is full (no request, but deliveries) as pulling', () => {
    let now = 0;
    const watch = createPullWatch(windowMs, () => now);
    for (const [at, deliveries] of [
      [30_000, 7],
      [60_000, 8],
      [90_000, 9],
    ] as const) {
      now = at;
      expect(watch.pulling(info(0, deliveries), false)).toBe(true);
    }
    now = 130_000;
    expect(watch.pulling(info(0, 9), false)).toBe(false);
  });

  it('counts this subscription pulling, and a window after it stops', () => {
    let now = 50_000;
    const watch = createPullWatch(windowMs, () => now);
    now = 100_000;
    expect(watch.pulling(info(0, 7), true)).toBe(true);
    now = 139_999;
    expect(watch.pulling(info(0, 7), false)).toBe(true);
    now = 140_000;
    expect(watch.pulling(info(0, 7), false)).toBe(false);
  });
});
