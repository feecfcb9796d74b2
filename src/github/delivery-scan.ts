import { listDeliveries, type HookDelivery } from './deliveries-api.ts';
import type { GithubClient } from './github-client.ts';

/**
 * What the sync's passes know of each hook (keyed by its deliveries path), in memory: the attempts of the
 * lookback that the last complete pass listed. A restart starts with none, so its first pass reads everything.
 */
export type DeliveryScans = Map<string, HookScan>;

interface HookScan {
  /** Every attempt listed in the lookback. */
  deliveries: HookDelivery[];
  /** The newest `delivered_at` among them (GitHub's clock). */
  newestAt: number;
  /** When the whole lookback was last listed (hub clock). */
  fullAt: number;
}

/**
 * GitHub lists an attempt once it is over (the hub answered, or its 10 s ran out), so one may show up after
 * newer ones: a pass reads this far behind the newest attempt it already knows. Both times are GitHub's,
 * so the hub's clock plays no part.
 */
export const SCAN_OVERLAP_MS = 15 * 60_000;

/** Backstop: the whole lookback is listed again at least this often, whatever a late listing might have slipped past the overlap. */
export const FULL_SCAN_EVERY_MS = 60 * 60_000;

export interface DeliveryScan {
  /** The hook's attempts since `since`: what listing the whole lookback would give. */
  deliveries: HookDelivery[];
  /** Keeps this scan for the next pass. Call it only when the pass went well for this hook. */
  commit: () => void;
}

/**
 * The attempts of one hook since `since`. With a recent complete scan, only the attempts since its newest one
 * (less SCAN_OVERLAP_MS) are listed and merged with the known ones, so the attempts of an old GUID still
 * count towards maxRedeliveries. Otherwise the whole lookback is listed. The hook's scan is forgotten first:
 * a listing or pass that fails part-way leaves none, and the next pass reads the whole lookback again.
 */
export async function scanDeliveries(
  client: GithubClient,
  path: string,
  options: { since: Date; scans: DeliveryScans; now: () => Date },
): Promise<DeliveryScan> {
  const { since, scans } = options;
  const previous = scans.get(path);
  scans.delete(path);
  const startedAt = options.now().getTime();
  const keep = (deliveries: HookDelivery[], fullAt: number): DeliveryScan => ({
    deliveries,
    commit: () => void scans.set(path, { deliveries, fullAt, newestAt: newestOf(deliveries) }),
  });
  if (!previous || startedAt - previous.fullAt >= FULL_SCAN_EVERY_MS) return keep(await listDeliveries(client, path, since), startedAt);
  const horizon = new Date(Math.max(since.getTime(), previous.newestAt - SCAN_OVERLAP_MS));
  const listed = await listDeliveries(client, path, horizon);
  const listedIds = new Set(listed.map((d) => d.id));
  const known = previous.deliveries.filter((d) => !listedIds.has(d.id) && deliveredAt(d) >= since.getTime());
  return keep([...listed, ...known], previous.fullAt);
}

const deliveredAt = (d: HookDelivery): number => Date.parse(d.delivered_at);
const newestOf = (deliveries: readonly HookDelivery[]): number => deliveries.reduce((newest, d) => Math.max(newest, deliveredAt(d)), 0);
