import { LRUCache } from 'lru-cache';
import type { BusHistory } from '../../bus/event-bus.ts';

export interface GoneDestinations {
  /** When the destination answered 410 (and has not been revived since), else undefined. */
  goneSince(key: string): Promise<string | undefined>;
  markGone(key: string, jobId: string): Promise<void>;
  revive(key: string): Promise<void>;
}

export interface GoneCacheOptions {
  /** Destinations remembered per process (templated URLs make their number unbounded). Default 10,000. */
  max?: number;
  /** How long a destination's state is trusted before the records are read again (other processes mark and revive too). Default 60 s. */
  ttlMs?: number;
}

/**
 * Destinations that answered 410 Gone. Persisted as history records on `destination:<key>`, so a
 * restart or another hub process honours them; cached per process with an LRU cap and a per-key
 * expiry. A replayed job may probe a gone destination; its success revives it.
 */
export function createGoneDestinations(bus: BusHistory, now: () => Date, options: GoneCacheOptions = {}): GoneDestinations {
  // Values are boxed: the cache cannot hold `undefined` (not gone), which is the common answer.
  const cache = new LRUCache<string, { since: string | undefined }>({
    max: options.max ?? 10_000,
    ttl: options.ttlMs ?? 60_000,
    perf: { now: () => now().getTime() },
    ttlResolution: 0,
  });
  const ref = (key: string): string => `destination:${key}`;
  return {
    async goneSince(key) {
      const cached = cache.get(key);
      if (cached) return cached.since;
      let since: string | undefined;
      for (const record of await bus.records(ref(key))) {
        if (record.kind === 'gone') since = record.time;
        else if (record.kind === 'revived') since = undefined;
      }
      cache.set(key, { since });
      return since;
    },
    async markGone(key, jobId) {
      const time = now().toISOString();
      await bus.record({ ref: ref(key), kind: 'gone', time, data: { jobId } });
      cache.set(key, { since: time });
    },
    async revive(key) {
      const cached = cache.get(key);
      if (cached && cached.since === undefined) return;
      await bus.record({ ref: ref(key), kind: 'revived', time: now().toISOString(), data: {} });
      cache.set(key, { since: undefined });
    },
  };
}
