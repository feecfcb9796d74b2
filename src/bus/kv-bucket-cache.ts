import type { KvBucket } from './kv.ts';

/** A bus's kv buckets by name, each opened on first use and kept. */
export function createBucketCache(open: (bucket: string) => KvBucket): (bucket: string) => KvBucket {
  const buckets = new Map<string, KvBucket>();
  return (bucket) => {
    let kv = buckets.get(bucket);
    if (!kv) {
      kv = open(bucket);
      buckets.set(bucket, kv);
    }
    return kv;
  };
}
