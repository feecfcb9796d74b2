import type { StreamName } from '../bus-message.ts';
import type { Subscription } from '../bus-subscription.ts';

/** The live subscriptions of one bus, with the stream each reads. */
export interface LiveSubscriptions {
  /** The subscription as handed out: stopping it also forgets it. */
  track<T>(sub: Subscription<T>, stream: StreamName): Subscription<T>;
  /** Whether a live subscription reads `stream`. */
  reads(stream: StreamName): boolean;
  stopAll(): Promise<void>;
}

export function createLiveSubscriptions(): LiveSubscriptions {
  const live = new Map<Subscription<unknown>, StreamName>();
  return {
    track<T>(sub: Subscription<T>, stream: StreamName): Subscription<T> {
      const tracked: Subscription<T> = {
        [Symbol.asyncIterator]: () => sub[Symbol.asyncIterator](),
        pending: () => sub.pending(),
        stop: async () => {
          live.delete(tracked);
          await sub.stop();
        },
      };
      live.set(tracked, stream);
      return tracked;
    },
    reads(stream) {
      for (const read of live.values()) if (read === stream) return true;
      return false;
    },
    async stopAll() {
      await Promise.all([...live.keys()].map((sub) => sub.stop()));
    },
  };
}
