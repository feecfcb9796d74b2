/**
 * Range reads (event queries and lists, dead letters, job histories, retention sweeps) on a real 3-node
 * cluster with one node killed and kept down. nats-server 2.9 puts each read's one-copy consumer on a
 * random server of the stream, the dead one included, and only that server answers the create: without
 * the hedged create (nats-read-consumer.ts) about one read in three failed after the 3 s request timeout.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRange } from '../../src/bus/nats/nats-read.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { startNatsCluster, type NatsCluster } from '../helpers/nats-cluster.ts';

const STREAM = 'READS';
const READS = 30;

let cluster: NatsCluster;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
beforeAll(async () => {
  cluster = await startNatsCluster(3);
  nc = await connect({ servers: cluster.url.split(','), timeout: 2_000 });
  // The hub's default request timeout (bus timeoutMs).
  js = jetstream(nc, { timeout: 3_000 });
  jsm = await jetstreamManager(nc, { timeout: 3_000 });
}, 60_000);
afterAll(async () => {
  await nc?.close();
  await cluster?.stop();
});

/** What one read returns: sequence and payload of each message, in order. */
async function readAll(filter: string, startSeq: number): Promise<string[]> {
  const out: string[] = [];
  for await (const msg of readRange({ js, jsm }, { stream: STREAM, filter, startSeq })) {
    out.push(`${msg.seq}:${msg.string()}`);
  }
  return out;
}

/** Consumer names the meta leader has assigned on the stream, those on the dead node included. */
async function assignedConsumers(): Promise<string[]> {
  const reply = await nc.request(`$JS.API.CONSUMER.NAMES.${STREAM}`, '{}', { timeout: 3_000 });
  return (reply.json<{ consumers: string[] | null }>().consumers ?? []).sort();
}

describe('range reads with a node of the cluster down', () => {
  it('all succeed with the right messages, and leave no consumer behind', async () => {
    await jsm.streams.add({ name: STREAM, subjects: ['reads.>'], num_replicas: 3 });
    const expected: string[] = [];
    for (let i = 1; i <= 40; i++) {
      const ack = await js.publish(`reads.${i % 2 === 0 ? 'even' : 'odd'}.${i}`, `m${i}`);
      if (i % 2 === 0 && ack.seq >= 11) expected.push(`${ack.seq}:m${i}`);
    }
    const leader = await cluster.leaderOf(STREAM);
    // A node that neither leads the stream nor carries this client: only consumer placement is at stake.
    const victim = cluster.nodes.find((n) => n.name !== leader && n.name !== nc.info?.server_name)!;
    await victim.kill();
    // If the victim led the meta layer, creates are refused until another server does.
    await eventually(() => jsm.getAccountInfo(), 20_000, 'a JetStream meta leader');

    const failures: string[] = [];
    for (let i = 0; i < READS; i++) {
      const got = await readAll('reads.even.>', 11).catch((err: unknown) => `failed: ${(err as Error).message}`);
      if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`read ${i + 1}: ${JSON.stringify(got)}`);
    }
    expect(failures).toEqual([]);
    // Creates that went unanswered (on the dead node) are deleted too, not left assigned to it.
    await eventually(async () => (await assignedConsumers()).length === 0, 10_000, 'no consumers left').catch(() => undefined);
    expect(await assignedConsumers()).toEqual([]);
  }, 60_000);
});
