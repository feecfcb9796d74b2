import type { Delivery, Subscription } from './bus-subscription.ts';

/** A subscription whose bus is not open yet: iteration starts once it is; stop() before that ends it. */
export function deferredSubscription<T>(pending: Promise<Subscription<T>>): Subscription<T> {
  let stopped = false;
  let release: () => void = () => undefined;
  const stoppedEarly = new Promise<undefined>((resolve) => (release = () => resolve(undefined)));
  let opened: Subscription<T> | undefined;
  void pending.then((sub) => (opened = sub)).catch(() => undefined);
  return {
    pending: async () => (opened ? opened.pending() : { count: 0 }),
    async stop() {
      stopped = true;
      release();
      const sub = await Promise.race([pending, Promise.resolve(undefined)]);
      await sub?.stop();
    },
    async *[Symbol.asyncIterator](): AsyncIterator<Delivery<T>> {
      const sub = await Promise.race([pending, stoppedEarly]);
      if (!sub || stopped) return;
      yield* sub;
    },
  };
}
