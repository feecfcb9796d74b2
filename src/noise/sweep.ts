import type { KvBucket } from '../bus/kv.ts';

/**
 * Removes entries that ended before `now` (an `until` in ms or ISO 8601), each only if it did not
 * change meanwhile, so noise buckets do not grow with every PR and branch ever seen.
 */
export async function sweepExpired(kv: KvBucket, now: number): Promise<number> {
  let removed = 0;
  for (const { key, value, revision } of await kv.entries<{ until?: number | string }>()) {
    const until = typeof value.until === 'string' ? Date.parse(value.until) : value.until;
    if (until === undefined || Number.isNaN(until) || until > now) continue;
    await kv.delete(key, { revision }).then(
      () => removed++,
      () => undefined,
    );
  }
  return removed;
}
