import type { KvBucket, KvEntry, KvPutOptions } from './kv.ts';

/** A bucket whose every call goes to `target()` when made, so a call rejects whenever `target` throws. */
export function forwardingKvBucket(target: () => KvBucket): KvBucket {
  return {
    get: async <T = unknown>(key: string): Promise<KvEntry<T> | undefined> => target().get<T>(key),
    put: async (key: string, value: unknown, options?: KvPutOptions) => target().put(key, value, options),
    delete: async (key: string, options?: KvPutOptions) => target().delete(key, options),
    entries: async <T = unknown>(): Promise<KvEntry<T>[]> => target().entries<T>(),
  };
}
