import type { Logger } from 'pino';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import type { KvBucket } from '../bus/kv.ts';
import { sweepExpired } from '../noise/sweep.ts';
import { coalesce } from '../shared/coalesce.ts';

/** The kv bucket where a logout records its session's nonce, for every hub process on the bus. */
export const SESSION_REVOCATIONS_BUCKET = 'session-revocations';

/** How often a process reads the logouts made by the others: the most a logout takes to reach them. */
export const REVOCATION_REFRESH_MS = 2_000;

/** Bumped after every logout, so that a refresh reads one key unless something changed. */
const CHANGED_KEY = 'changed';
/** A full read at least this often, which also removes the bucket's expired entries. */
const FULL_READ_MS = 60_000;
/** Entries are removed from the bucket this long after their session expired, in case hub clocks differ. */
const CLOCK_SKEW_MS = 5 * 60_000;

interface Revocation {
  /** When the session would have expired anyway (ms since epoch). */
  until: number;
}

/** Logged-out sessions, by nonce, shared by every hub process on one bus. */
export interface SessionRevocations {
  /** Whether the nonce was logged out here, or elsewhere as of the last refresh. Synchronous: checked on every request. */
  has(nonce: string): boolean;
  /** Records the logout in the bus, then here. Rejects, and revokes nothing, when the bus did not take it. */
  revoke(nonce: string, until: number): Promise<void>;
  /** Reads the logouts made by other processes and forgets the expired ones. One at a time. */
  refresh(): Promise<void>;
  /** Refreshes now and then every interval until stop(); failures go to the probe. */
  start(): void;
  stop(): void;
}

export interface SessionRevocationsOptions {
  kv: KvBucket;
  now: () => Date;
  logger: Logger;
  /** The refresh loop's passes and failures (`session-revocations`), logged once per streak. */
  probe?: ConsumerProbe;
  /** Default REVOCATION_REFRESH_MS. */
  intervalMs?: number;
  /** Told when sessions were revoked (here or learnt from the bus), to end their live streams. */
  onRevoke?: () => void;
}

/**
 * A local set checked synchronously, kept in step with the kv bucket: a logout writes its nonce with its
 * expiry and bumps a change key; each process reads the change key every interval, and every entry only
 * when it moved. So a logout on one process ends the session on all of them within one interval.
 * A refresh counts as seen only the change its read of the entries included, not the one the change key
 * showed: on NATS the two reads may be answered by different replicas, and a lagging one lists the
 * entries as they were before the latest logouts. Then the next pass reads every entry again.
 */
export function createSessionRevocations(options: SessionRevocationsOptions): SessionRevocations {
  const { kv, now } = options;
  const known = createKnownRevocations(kv);
  let seenChange: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const refresh = coalesce(async () => {
    const at = now().getTime();
    const change = (await kv.get(CHANGED_KEY))?.revision ?? 0;
    const found = change !== seenChange || at - known.lastFullRead() >= FULL_READ_MS ? await known.readAll(at) : undefined;
    // What the entries included, not `change`: a lagging replica may have listed them before the logout that
    // moved the key (a later change is read again at the next pass, an earlier one is in the entries).
    if (found) seenChange = found.change;
    known.forgetExpired(at);
    // Told before the sweep: once learnt, a logout is never new again, so a failed sweep would leave its streams open.
    if (found?.added) options.onRevoke?.();
    if (found?.stale) await sweepExpired(kv, at - CLOCK_SKEW_MS);
  });

  const pass = () => reportedRefresh(refresh, options, () => timer !== undefined);

  return {
    has: (nonce) => known.has(nonce),
    async revoke(nonce, until) {
      await kv.put(nonce, { until } satisfies Revocation);
      await kv.put(CHANGED_KEY, { nonce });
      known.add(nonce, until);
      known.forgetExpired(now().getTime());
      options.onRevoke?.();
    },
    refresh,
    start() {
      if (timer) return;
      void pass();
      // A tick while a refresh still runs is skipped: a hung bus shows as no progress, not as a pile of reads.
      timer = setInterval(() => void (refresh.busy() ? undefined : pass()), options.intervalMs ?? REVOCATION_REFRESH_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/** One refresh, its pass or failure told to the probe (or a failure logged). */
function reportedRefresh(refresh: () => Promise<void>, options: SessionRevocationsOptions, running: () => boolean) {
  return refresh().then(
    () => options.probe?.progress(),
    (err: unknown) => {
      // A pass that fails because the hub is stopping (the bus closing under it) is no failure.
      if (!running()) return;
      if (options.probe) options.probe.failure(err);
      else options.logger.warn({ err }, 'session revocations: refresh failed; retrying');
    },
  );
}

/** The revocations known here (nonce → when its session expires), and when the bucket was last read in full. */
function createKnownRevocations(kv: KvBucket) {
  const revoked = new Map<string, number>();
  let lastFullRead = 0;
  return {
    has: (nonce: string) => revoked.has(nonce),
    add: (nonce: string, until: number) => void revoked.set(nonce, until),
    lastFullRead: () => lastFullRead,
    forgetExpired(at: number): void {
      for (const [nonce, until] of revoked) if (until <= at) revoked.delete(nonce);
    },
    /**
     * Learns the bucket's revocations; says whether any was new here, whether any is old enough to remove, and
     * the change key's revision among the entries read (0 when absent): every logout before it was read.
     */
    async readAll(at: number): Promise<{ added: boolean; stale: boolean; change: number }> {
      const found = { added: false, stale: false, change: 0 };
      for (const { key, value, revision } of await kv.entries<Partial<Revocation>>()) {
        if (key === CHANGED_KEY) found.change = revision;
        if (key === CHANGED_KEY || typeof value.until !== 'number') continue;
        if (value.until + CLOCK_SKEW_MS <= at) found.stale = true;
        if (value.until > at && !revoked.has(key)) {
          revoked.set(key, value.until);
          found.added = true;
        }
      }
      lastFullRead = at;
      return found;
    },
  };
}
