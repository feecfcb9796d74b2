import { failureBackoffMs } from './consumer-failure.ts';
import type { ConsumerProbe } from './consumer-health.ts';
import type { Subscription } from './event-bus.ts';

export interface SupervisedConsumer {
  /** Stops consuming and waits for the loop to end. */
  stop(): Promise<void>;
}

/**
 * Runs a consumer loop that no error ends: the subscription reports its own failures to the probe
 * and retries; if the loop itself throws, the failure is counted and logged, and a new subscription
 * takes over after a capped back-off.
 */
export function superviseConsumer<T>(
  open: (onError: (error: unknown) => void) => Subscription<T>,
  run: (subscription: Subscription<T>) => Promise<void>,
  probe: ConsumerProbe,
): SupervisedConsumer {
  let running = true;
  let current: Subscription<T> | undefined;
  const backOff = createBackOff();
  const loop = (async () => {
    let failures = 0;
    while (running) {
      let subscription: Subscription<T> | undefined;
      try {
        subscription = open((error) => probe.failure(error));
        current = subscription;
        const opened = subscription;
        probe.watch(() => opened.pending());
        await run(subscription);
        failures = 0;
      } catch (error) {
        failures += 1;
        probe.failure(error, { restart: failures });
        await subscription?.stop().catch(() => undefined);
      }
      if (running) await backOff.pause(failureBackoffMs(Math.max(failures, 1), 200));
    }
  })();
  return {
    async stop() {
      running = false;
      backOff.wake();
      await current?.stop();
      await loop;
    },
  };
}

/** The pause between subscriptions, which stop() cuts short. */
function createBackOff(): { pause(ms: number): Promise<void>; wake(): void } {
  let wake: (() => void) | undefined;
  return {
    pause: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        timer.unref();
        wake = () => (clearTimeout(timer), resolve());
      }),
    wake: () => wake?.(),
  };
}
