/**
 * In-process wake-ups: a publish (or a nak) on a stream wakes that stream's idle
 * subscriptions at once instead of at their next poll.
 */
import type { StreamName } from '../event-bus.ts';

export interface Notifier {
  /** Call `listener` on every notify(stream); returns the unsubscribe function. */
  listen(stream: StreamName, listener: () => void): () => void;
  notify(stream: StreamName): void;
}

export function createNotifier(): Notifier {
  const listeners = new Map<StreamName, Set<() => void>>();
  return {
    listen(stream, listener) {
      let set = listeners.get(stream);
      if (!set) listeners.set(stream, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    notify(stream) {
      for (const listener of listeners.get(stream) ?? []) listener();
    },
  };
}
