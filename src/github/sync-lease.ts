import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BusKv } from '../bus/event-bus.ts';
import { KvConflictError, type KvBucket } from '../bus/kv.ts';

/** The kv bucket where the hub processes that run a connector's GitHub sync agree which one runs its passes. */
export const GITHUB_SYNC_BUCKET = 'github-sync';

interface Lease {
  /** The process (one sync) that runs the connector's passes. */
  owner: string;
  /** When it last started or finished a pass (epoch ms). */
  at: number;
  /** The hook it keeps (marked URL and events): a process configured otherwise runs its own passes. */
  desired: string;
}

export interface SyncLease {
  /** Whether this process runs the connector's pass now: it holds the lease, or takes it. Renews it when so. */
  take(connector: string, desired: string, leaseMs: number): Promise<boolean>;
  /** Gives up the leases it holds (on stop), so another process takes over at its next pass. */
  release(connectors: readonly string[]): Promise<void>;
}

/**
 * Several hub processes (ingress replicas on one NATS) each run the GitHub sync. Without agreement each
 * asked GitHub to redeliver every missed delivery, once per process, using up `maxRedeliveries` in one
 * round and multiplying API calls. One process holds a connector's lease and runs its passes; the others
 * skip theirs while the holder renews it (every pass), and take over once it lapses (`leaseMs` without a
 * pass: the holder stopped or died). A kv write with a revision, which both buses check atomically, decides.
 */
export function createSyncLease(bus: BusKv, now: () => Date): SyncLease {
  const kv = bus.kv(GITHUB_SYNC_BUCKET);
  const owner = randomUUID();
  return {
    async take(connector, desired, leaseMs) {
      const held = await kv.get<Lease>(connector);
      const atMs = now().getTime();
      if (held && heldByOther(held.value, owner, desired, atMs, leaseMs)) return false;
      return put(kv, connector, { owner, at: atMs, desired }, held?.revision ?? 0);
    },
    async release(connectors) {
      for (const connector of connectors) {
        const held = await kv.get<Lease>(connector).catch(() => undefined);
        if (held?.value.owner === owner) await kv.delete(connector, { revision: held.revision }).catch(() => undefined);
      }
    },
  };
}

export interface HeldLease {
  /** Aborts once another process took the lease (or the sync stops): the pass stops before its next redelivery. */
  readonly signal: AbortSignal;
  /** Stops renewing (the pass is over); settles once a renewal under way has. */
  end(): Promise<void>;
}

/**
 * Renews a taken lease every third of `leaseMs` while a pass runs. A pass can outlast the lease (600
 * redeliveries at one a second, a rate-limit wait of up to 15 minutes); renewed only at its start and end, the
 * lease lapsed mid-pass and another process ran the same pass at the same time, redelivering each delivery twice.
 */
export function holdLease(
  lease: SyncLease,
  key: { connector: string; desired: string; leaseMs: number },
  stopping: AbortSignal,
  logger: Logger,
): HeldLease {
  const lost = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let renewal: Promise<void> = Promise.resolve();
  let ended = false;
  const renew = async () => {
    if (stopping.aborted || ended) return;
    const held = await lease.take(key.connector, key.desired, key.leaseMs).catch((err: Error) => {
      // Likely a passing bus error: the next renewal tries again, and finds out if another process took it.
      logger.warn({ connector: key.connector, err: err.message }, 'GitHub sync could not renew its lease');
      return true;
    });
    if (held) return arm();
    lost.abort();
    logger.warn({ connector: key.connector }, 'GitHub sync lease taken by another hub process mid-pass; stopping the pass');
  };
  const arm = () => {
    if (ended || stopping.aborted) return;
    timer = setTimeout(() => {
      renewal = renew();
    }, key.leaseMs / 3);
    timer.unref();
  };
  arm();
  return {
    signal: AbortSignal.any([lost.signal, stopping]),
    async end() {
      ended = true;
      clearTimeout(timer);
      await renewal;
    },
  };
}

function heldByOther(lease: Lease, owner: string, desired: string, nowMs: number, leaseMs: number): boolean {
  return lease.owner !== owner && lease.desired === desired && lease.at + leaseMs > nowMs;
}

async function put(kv: KvBucket, connector: string, lease: Lease, revision: number): Promise<boolean> {
  try {
    await kv.put(connector, lease, { revision });
    return true;
  } catch (error) {
    if (error instanceof KvConflictError) return false;
    throw error;
  }
}
