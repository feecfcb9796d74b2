import type { EventBus } from '../../bus/event-bus.ts';

export interface GoneDestinations {
  /** When the destination answered 410 (and has not been revived since), else undefined. */
  goneSince(key: string): Promise<string | undefined>;
  markGone(key: string, jobId: string): Promise<void>;
  revive(key: string): Promise<void>;
}

/**
 * Destinations that answered 410 Gone. Persisted as history records on `destination:<key>`, so a
 * restart or another hub process honours them; cached per process. A replayed job may probe a gone
 * destination; its success revives it.
 */
export function createGoneDestinations(bus: EventBus, now: () => Date): GoneDestinations {
  const cache = new Map<string, string | undefined>();
  const ref = (key: string): string => `destination:${key}`;
  return {
    async goneSince(key) {
      if (cache.has(key)) return cache.get(key);
      let since: string | undefined;
      for (const record of await bus.records(ref(key))) {
        if (record.kind === 'gone') since = record.time;
        else if (record.kind === 'revived') since = undefined;
      }
      cache.set(key, since);
      return since;
    },
    async markGone(key, jobId) {
      const time = now().toISOString();
      await bus.record({ ref: ref(key), kind: 'gone', time, data: { jobId } });
      cache.set(key, time);
    },
    async revive(key) {
      if (cache.get(key) === undefined && cache.has(key)) return;
      await bus.record({ ref: ref(key), kind: 'revived', time: now().toISOString(), data: {} });
      cache.set(key, undefined);
    },
  };
}
