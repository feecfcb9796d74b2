/**
 * Small durable key-value state next to the streams (DESIGN §2: "KV buckets hold small state such
 * as subscriptions and throttles"). Embedded: a SQLite table; nats: one JetStream KV bucket per name.
 *
 * Keys are any non-empty string (the NATS backend encodes them). Values are JSON. Every write
 * returns the entry's new revision; pass `revision` to write only if nobody changed it meanwhile
 * (`0` = only if the key does not exist), so several hub processes can update state safely.
 */
export interface KvEntry<T = unknown> {
  key: string;
  value: T;
  /** Opaque, positive, changes on every write of the key. */
  revision: number;
}

export interface KvPutOptions {
  /** Write only if the current revision is this one (`0`: only if the key does not exist). */
  revision?: number;
}

export interface KvBucket {
  get<T = unknown>(key: string): Promise<KvEntry<T> | undefined>;
  /** Stores `value`; throws KvConflictError when `revision` is given and does not match. */
  put(key: string, value: unknown, options?: KvPutOptions): Promise<number>;
  /**
   * Removes the key (a no-op when absent). With `revision`, only if the key is still at that
   * revision (throws KvConflictError otherwise).
   */
  delete(key: string, options?: KvPutOptions): Promise<void>;
  /**
   * Every entry, in key order. Meant for small buckets (subscriptions, open groups). One consistent read:
   * it may miss the latest writes (on NATS, a replica's copy that lags), but it holds every entry written
   * before any entry it holds, unless deleted since.
   */
  entries<T = unknown>(): Promise<KvEntry<T>[]>;
}

/** The kv role. */
export interface BusKv {
  /**
   * A named bucket of small durable state (subscriptions, noise-control groups), shared by every
   * process on this bus. Names: lowercase letters, digits, `-`, `_`.
   */
  kv(bucket: string): KvBucket;
}

/** A conditional write lost a race: re-read the key and try again. */
export class KvConflictError extends Error {
  constructor(readonly key: string) {
    super(`kv: "${key}" was changed by someone else`);
    this.name = 'KvConflictError';
  }
}

/** Bucket names: lowercase letters, digits, `-` and `_` (valid for SQLite rows and JetStream streams). */
export function checkBucketName(bucket: string): string {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(bucket)) throw new Error(`invalid kv bucket name "${bucket}"`);
  return bucket;
}

/**
 * Reads, transforms and writes one key until the write wins (optimistic concurrency).
 * `change` returns the new value, or `undefined` to leave the key as it is.
 * A loser waits a random few milliseconds before it reads again: without that, a burst of writers
 * (30 pushes into one noise group, across two hubs) retries in lockstep, one winner per round,
 * and the last ones ran out of attempts.
 */
export async function updateKv<T>(
  bucket: KvBucket,
  key: string,
  change: (current: T | undefined) => T | undefined,
  attempts = 30,
): Promise<T | undefined> {
  for (let i = 0; i < attempts; i++) {
    const entry = await bucket.get<T>(key);
    const next = change(entry?.value);
    if (next === undefined) return entry?.value;
    try {
      await bucket.put(key, next, { revision: entry?.revision ?? 0 });
      return next;
    } catch (error) {
      if (!(error instanceof KvConflictError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** i, MAX_BACKOFF_MS)));
  }
  throw new KvConflictError(key);
}

const MAX_BACKOFF_MS = 50;
