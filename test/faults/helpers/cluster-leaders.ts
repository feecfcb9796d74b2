/**
 * Who leads what in a test JetStream cluster, and moving a leader onto (or off) a node with the
 * server's leader step-down requests (nats-server 2.9 has no placement in them: the new leader is one
 * of the other replicas, so a step-down is repeated until the leader is where the test wants it).
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NatsCluster } from '../../helpers/nats-cluster.ts';

/** A stream (`durable` undefined) or one of its durable consumers. */
export interface Asset {
  stream: string;
  durable?: string;
}

export interface ClusterLeaders {
  /** The server leading `asset` now ('' while it has none). */
  leaderOf(asset: Asset): Promise<string>;
  /** The leader of `asset` once it has one that is not `not` (after a step-down or a node loss). */
  settledLeader(asset: Asset, not?: string): Promise<string>;
  /** Steps the leader down until `wanted(leader)` holds; throws after `tries`. Returns the leader. */
  moveLeader(asset: Asset, wanted: (leader: string) => boolean, tries?: number): Promise<string>;
  close(): Promise<void>;
}

/** `STREAM` or `STREAM/durable`. */
export const assetName = (a: Asset): string => (a.durable === undefined ? a.stream : `${a.stream}/${a.durable}`);

/** Over the nodes still running; `timeoutMs` per JetStream request. */
export async function openClusterLeaders(cluster: NatsCluster, timeoutMs = 5_000): Promise<ClusterLeaders> {
  const nc: NatsConnection = await connect({ servers: cluster.nodes.filter((n) => n.running()).map((n) => n.url), timeout: 2_000 });
  // No account-info check: only the meta leader answers it, and that may be the node just lost.
  const jsm: JetStreamManager = await jetstreamManager(nc, { timeout: timeoutMs, checkAPI: false });
  const leaderOf = async ({ stream, durable }: Asset): Promise<string> => {
    const info = durable === undefined ? await jsm.streams.info(stream) : await jsm.consumers.info(stream, durable);
    return info.cluster?.leader ?? '';
  };
  const settledLeader = async (asset: Asset, not?: string): Promise<string> => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const leader = await leaderOf(asset).catch(() => '');
      if (leader !== '' && leader !== not) return leader;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${assetName(asset)}: no leader${not ? ` other than ${not}` : ''} in 30 s`);
  };
  return {
    leaderOf,
    settledLeader,
    async moveLeader(asset, wanted, tries = 12) {
      let leader = await settledLeader(asset);
      for (let i = 0; i < tries && !wanted(leader); i++) {
        const subject =
          asset.durable === undefined
            ? `$JS.API.STREAM.LEADER.STEPDOWN.${asset.stream}`
            : `$JS.API.CONSUMER.LEADER.STEPDOWN.${asset.stream}.${asset.durable}`;
        const reply = (await nc.request(subject, undefined, { timeout: 5_000 })).json<{ success?: boolean; error?: unknown }>();
        if (reply.success !== true) throw new Error(`${assetName(asset)}: step-down refused: ${JSON.stringify(reply.error)}`);
        leader = await settledLeader(asset, leader);
      }
      if (!wanted(leader)) throw new Error(`${assetName(asset)}: leader still ${leader} after ${tries} step-downs`);
      return leader;
    },
    close: () => nc.close(),
  };
}

/**
 * How long after `killedAt` each of `assets` had a leader other than `killed`, asked every 100 ms with
 * 300 ms requests (a request that waits through the election must not hide when it ended).
 */
export async function watchElections(cluster: NatsCluster, assets: readonly Asset[], killed: string, killedAt: number) {
  const leaders = await openClusterLeaders(cluster, 300);
  try {
    const elected = async (a: Asset) => [assetName(a), (await leaders.settledLeader(a, killed), Date.now() - killedAt)] as const;
    return Object.fromEntries(await Promise.all(assets.map(elected)));
  } finally {
    await leaders.close();
  }
}
