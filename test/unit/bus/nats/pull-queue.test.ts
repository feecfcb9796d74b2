/**
 * How soon the pull loop pulls again after a failed pull, on a fake clock. The fetcher stands in for the
 * consumer at PullQueue's seam (real pulls against nats-server are in lost-deliveries.test.ts and the
 * fault suite): a pull that fails at once, and one that fails once its heartbeats are missed, as a pull
 * whose consumer leader died with a cluster node does 2 to 3 s after it was sent.
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { PullQueue, type Fetcher } from '../../../../src/bus/nats/pull-queue.ts';

const EXPIRES_MS = 2_000;

/** A fetch whose messages end with `error` after `afterMs`. */
function failingFetch(error: Error, afterMs: number): ConsumerMessages {
  const messages = {
    close: () => Promise.resolve(),
    [Symbol.asyncIterator]: (): AsyncIterator<JsMsg> => ({
      next: () => new Promise((_, reject) => setTimeout(() => reject(error), afterMs)),
    }),
  };
  return messages as unknown as ConsumerMessages;
}

/** Pull loop whose fetches fail as `fail(n)` says (n from 1); returns when each fetch started, on the fake clock. */
function pullLoop(fail: (n: number) => { afterMs: number }) {
  const startedAt: number[] = [];
  const t0 = Date.now();
  const fetcher: Fetcher = {
    fetch: () => {
      startedAt.push(Date.now() - t0);
      const { afterMs } = fail(startedAt.length);
      return afterMs === 0
        ? Promise.reject(new Error('no responders'))
        : Promise.resolve(failingFetch(new Error('heartbeats missed'), afterMs));
    },
  };
  const queue = new PullQueue(fetcher, {
    batch: 8,
    expiresMs: EXPIRES_MS,
    held: () => 0,
    received: () => undefined,
    onError: () => undefined,
  });
  return { startedAt, queue };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

it('pulls again at once after a pull that failed only when its heartbeats were missed: it has waited already', async () => {
  const { startedAt, queue } = pullLoop(() => ({ afterMs: 2_000 }));
  await vi.advanceTimersByTimeAsync(6_100);
  expect(startedAt).toEqual([0, 2_000, 4_000, 6_000]);
  void queue.close();
  await vi.runAllTimersAsync();
});

it('backs off after pulls that fail at once: 250 ms, doubling', async () => {
  const { startedAt, queue } = pullLoop(() => ({ afterMs: 0 }));
  await vi.advanceTimersByTimeAsync(2_000);
  expect(startedAt).toEqual([0, 250, 750, 1_750]);
  void queue.close();
  await vi.runAllTimersAsync();
});

it('waits out what is left of the back-off after a pull that failed sooner than it', async () => {
  // 1st fails after 100 ms (pause 150 ms more), 2nd after 100 ms (pause 400 ms more).
  const { startedAt, queue } = pullLoop(() => ({ afterMs: 100 }));
  await vi.advanceTimersByTimeAsync(900);
  expect(startedAt).toEqual([0, 250, 750]);
  void queue.close();
  await vi.runAllTimersAsync();
});
