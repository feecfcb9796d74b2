import { LRUCache } from 'lru-cache';

export interface LoginThrottle {
  blocked(client: string): boolean;
  fail(client: string): void;
  /** Whole seconds after which the client's window has ended (at least 1): its Retry-After. */
  retryAfterSeconds(client: string): number;
}

/**
 * At most `limit` failed logins per client address per window. Each address's window expires on its
 * own; past `maxClients` addresses the least recently failing one is forgotten, never everyone.
 */
export function createLoginThrottle(
  now: () => Date,
  options: { limit?: number; windowMs?: number; maxClients?: number } = {},
): LoginThrottle {
  const limit = options.limit ?? 10;
  const windows = new LRUCache<string, { count: number }>({
    max: options.maxClients ?? 10_000,
    ttl: options.windowMs ?? 60_000,
    // The window starts at the first failure: counting more failures does not extend it.
    noUpdateTTL: true,
    perf: { now: () => now().getTime() },
    ttlResolution: 0,
  });
  return {
    blocked: (client) => (windows.get(client)?.count ?? 0) >= limit,
    // A window ends once strictly more than its ttl has passed: the first whole second after that.
    retryAfterSeconds: (client) => Math.max(1, Math.floor(windows.getRemainingTTL(client) / 1000) + 1),
    fail(client) {
      const entry = windows.get(client);
      if (entry) entry.count += 1;
      else windows.set(client, { count: 1 });
    },
  };
}
