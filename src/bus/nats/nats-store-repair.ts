/**
 * Creates the bus's streams and buckets again when NATS no longer has them: a server restarted without
 * its storage (a container with no volume), or an operator deleted a stream. The bus makes them only when
 * it opens, so until the hub restarted every publish answered 503 and every consumer failed its setup.
 * What the lost streams held is gone with them (NATS's storage, not the hub's); the hub takes webhooks
 * again, and its consumers set up their durables on the new streams.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';

export interface StoreRepairDeps {
  jsm: JetStreamManager;
  /** Every stream the bus needs (its KV buckets' `KV_<bucket>` included). */
  streams: readonly string[];
  /** Creates (or reconciles) them all, as when the bus opens (ensureNatsStores). */
  ensure(): Promise<unknown>;
  /** Told which streams were missing once they exist again. */
  recreated?(streams: string[]): void;
  /** At most one look per this long. Default 2 s. */
  everyMs?: number;
  now?: () => number;
}

/**
 * Returns the check to call with each failure of the bus: one that may mean a stream is gone (its API
 * answered "stream not found", or nobody answered a publish) makes it look at every stream, no more than
 * once per `everyMs` and never two looks at once, and create them again if one is missing. Never throws:
 * a look that fails (NATS down, a leader election) is simply made again at a later failure.
 */
export function createStoreRepair(deps: StoreRepairDeps): (error: unknown) => void {
  const everyMs = deps.everyMs ?? 2_000;
  const now = deps.now ?? Date.now;
  let lastLook = Number.NEGATIVE_INFINITY;
  let looking = false;
  return (error) => {
    if (looking || !mayMeanStoreGone(error) || now() - lastLook < everyMs) return;
    looking = true;
    lastLook = now();
    void repair(deps)
      .catch(() => undefined)
      .finally(() => (looking = false));
  };
}

async function repair(deps: StoreRepairDeps): Promise<void> {
  const missing: string[] = [];
  for (const stream of deps.streams) if (await isGone(deps.jsm, stream)) missing.push(stream);
  if (missing.length === 0) return;
  await deps.ensure();
  deps.recreated?.(missing);
}

async function isGone(jsm: JetStreamManager, stream: string): Promise<boolean> {
  try {
    await jsm.streams.info(stream);
    return false;
  } catch (error) {
    if (hasNatsCode(error, NatsErrorCodes.StreamNotFound)) return true;
    throw error;
  }
}

/** "Stream not found" from the JetStream API, or a publish nobody answered (nats.js names it JetStreamNotEnabled), here or as a cause. */
export function mayMeanStoreGone(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (hasNatsCode(e, NatsErrorCodes.StreamNotFound) || e.name === 'JetStreamNotEnabled' || e.name === 'StreamNotFoundError') return true;
  }
  return false;
}
