import type { BusKv } from '../../bus/event-bus.ts';
import { KvConflictError, type KvBucket } from '../../bus/kv.ts';

/** The kv bucket where a dead-letter retry or an event replay claims a job before republishing it. */
export const REPUBLISH_CLAIMS_BUCKET = 'republish-claims';

/**
 * How long a claim its holder never released (the process was killed) keeps others out. The holder
 * releases it as soon as it is done, and republishing takes one publish, so this only bounds the wait
 * after a crash.
 */
export const REPUBLISH_CLAIM_LEASE_MS = 60_000;

interface Claim {
  /** When it was taken (epoch ms). */
  at: number;
}

/**
 * Runs `work` while holding the claim on republishing job `id`, and returns its result; undefined
 * (without running it) when another retry or replay, in this process or another, holds the claim.
 * The claim is a kv create, which both buses check atomically, so of concurrent callers one runs.
 * Nothing is removed to take it: whatever happens to the holder, the dead letter stays until the holder
 * has republished the job and taken the letter, so `work` must check under the claim that what it
 * read before is still there (a previous holder may have republished it and released the claim since).
 */
export async function withRepublishClaim<T>(bus: BusKv, id: string, now: Date, work: () => Promise<T>): Promise<T | undefined> {
  const kv = bus.kv(REPUBLISH_CLAIMS_BUCKET);
  const revision = await claim(kv, id, now.getTime());
  if (revision === undefined) return undefined;
  try {
    return await work();
  } finally {
    // A release that fails (the bus went down) leaves the claim to expire after the lease.
    await kv.delete(id, { revision }).catch(() => undefined);
  }
}

async function claim(kv: KvBucket, id: string, nowMs: number): Promise<number | undefined> {
  const held = await kv.get<Claim>(id);
  if (held !== undefined && held.value.at + REPUBLISH_CLAIM_LEASE_MS > nowMs) return undefined;
  try {
    // Over a lapsed claim, only the writer that read it takes it over: its revision must still hold.
    return await kv.put(id, { at: nowMs } satisfies Claim, { revision: held?.revision ?? 0 });
  } catch (error) {
    if (error instanceof KvConflictError) return undefined;
    throw error;
  }
}
