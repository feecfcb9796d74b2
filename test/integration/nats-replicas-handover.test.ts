/**
 * bus.replicas raised on streams whose consumers already exist, on a real 3-node cluster: the acks made after
 * the scaling must survive the loss of the consumer leader's node. On nats-server 2.9 a consumer made while its
 * stream had one copy keeps its acks to itself until it changes leader, so without the hand-over every message
 * acked since the scaling was delivered again after the node loss.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { durableName } from '../../src/bus/nats/nats-names.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { startNatsCluster, type NatsCluster } from '../helpers/nats-cluster.ts';

let cluster: NatsCluster;
beforeAll(async () => {
  cluster = await startNatsCluster(3);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

const STREAM = 'HANDOVER_EVENTS';
const CONSUMER = durableName('probe');

/** Publishes `ids` and has the durable consumer `probe` ack them. */
async function publishAndAck(bus: NatsBus, ids: readonly string[]): Promise<void> {
  for (const id of ids) await bus.publish('events', { id, subject: 'github.push', payload: { id } });
  const sub = bus.consume('events', 'probe', { ackWaitMs: 30_000 });
  let acked = 0;
  for await (const delivery of sub) {
    await delivery.ack();
    if (++acked === ids.length) break;
  }
  await sub.stop();
}

/** The consumer as the servers still up see it. */
async function consumerState(): Promise<{ leader: string; ackFloor: number }> {
  const nc = await connect({ servers: cluster.nodes.filter((n) => n.running()).map((n) => n.url), timeout: 2_000 });
  try {
    const info = await (await jetstreamManager(nc, { timeout: 2_000 })).consumers.info(STREAM, CONSUMER);
    return { leader: info.cluster?.leader ?? '', ackFloor: info.ack_floor.stream_seq };
  } finally {
    await nc.close();
  }
}

describe('bus.replicas raised under existing consumers', () => {
  it('keeps the acks made after the scaling when the consumer leader node is lost', async () => {
    const single = await createNatsBus({ url: cluster.url, replicas: 1, prefix: 'handover', timeoutMs: 5_000 });
    await publishAndAck(single, ['before-1', 'before-2', 'before-3']);
    await single.close();

    const scaled = await createNatsBus({ url: cluster.url, replicas: 3, prefix: 'handover', timeoutMs: 5_000 });
    await publishAndAck(scaled, ['after-1', 'after-2', 'after-3']);
    await scaled.close();
    // The server applies an ack after answering it.
    const before = await eventually(
      async () => {
        const state = await consumerState();
        if (state.ackFloor !== 6) throw new Error(`ack floor ${state.ackFloor}`);
        return state;
      },
      10_000,
      'the ack floor at the sixth event',
    );
    const leader = before.leader;

    await cluster.node(leader).kill();
    const after = await eventually(
      async () => {
        const state = await consumerState();
        if (state.leader === '' || state.leader === leader) throw new Error(`leader ${state.leader || 'none'}`);
        return state;
      },
      30_000,
      'a new consumer leader',
    );
    expect(after.ackFloor).toBe(6);
  }, 90_000);
});
