/** bus.replicas on a real 3-node JetStream cluster, and the clear stop on a single server. */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBusForHub } from '../../src/bus/create-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { NatsBusSchema } from '../../src/config/nats-bus-schema.ts';
import { ConfigError } from '../../src/errors.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { startNatsCluster, type NatsCluster } from '../helpers/nats-cluster.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

let cluster: NatsCluster;
beforeAll(async () => {
  cluster = await startNatsCluster(3);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});
const single = useNatsServer();

/** num_replicas of every stream whose name contains `prefix` (streams and KV buckets alike). */
async function replicaCounts(url: string, prefix: string): Promise<Record<string, number>> {
  const nc = await connect({ servers: url.split(',') });
  try {
    const jsm = await jetstreamManager(nc);
    const out: Record<string, number> = {};
    for await (const info of jsm.streams.list()) {
      if (info.config.name.toLowerCase().includes(prefix)) out[info.config.name] = info.config.num_replicas;
    }
    return out;
  } finally {
    await nc.close();
  }
}

describe('bus.replicas', () => {
  it('gives every stream and KV bucket, lazy buckets included, the configured copies', async () => {
    const bus = await createNatsBus({ url: cluster.url, replicas: 3, prefix: 'rthree' });
    try {
      await bus.kv('throttles').put('k', 1);
    } finally {
      await bus.close();
    }
    const counts = await replicaCounts(cluster.url, 'rthree');
    expect(Object.keys(counts).sort()).toEqual([
      'KV_rthree_content',
      'KV_rthree_dlq',
      'KV_rthree_kv_throttles',
      'RTHREE_EVENTS',
      'RTHREE_HISTORY',
      'RTHREE_JOBS',
    ]);
    expect(new Set(Object.values(counts))).toEqual(new Set([3]));
  }, 60_000);

  it('updates existing streams and buckets to a changed replica count, keeping their messages', async () => {
    const first = await createNatsBus({ url: cluster.url, replicas: 1, prefix: 'rgrow' });
    await first.publish('events', { id: 'kept', subject: 'github.push', payload: { n: 1 } });
    await first.kv('state').put('k', 'v');
    await first.close();
    expect(new Set(Object.values(await replicaCounts(cluster.url, 'rgrow')))).toEqual(new Set([1]));

    const second = await createNatsBus({ url: cluster.url, replicas: 3, prefix: 'rgrow' });
    try {
      expect((await second.kv('state').get('k'))?.value).toBe('v');
      expect((await second.get('events', 'kept'))?.payload).toEqual({ n: 1 });
    } finally {
      await second.close();
    }
    expect(new Set(Object.values(await replicaCounts(cluster.url, 'rgrow')))).toEqual(new Set([3]));
  }, 60_000);

  it('stops the hub with what to change when a single server cannot hold the copies', async () => {
    const config = NatsBusSchema.parse({ type: 'nats', url: single().url, replicas: 3 });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const error = await openBusForHub(config, logger).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/with 3 replicas .*Set bus\.replicas: 1/);
    // The hub stops: nothing may say it goes on answering 503 and retrying.
    expect(lines.join('')).not.toContain('answering 503');
  });

  it('refuses more copies of existing streams on a single server at once, leaving them as they were', async () => {
    const first = await createNatsBus({ url: single().url, replicas: 1, prefix: 'solo' });
    await first.close();
    const error = await createNatsBus({ url: single().url, replicas: 3, prefix: 'solo' }).then(
      async (bus) => bus.close(),
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'bus.replicas is 3 but NATS is a single server, not a JetStream cluster, so stream SOLO_EVENTS keeps its 1 copy. ' +
        'Set bus.replicas: 1, or run a JetStream cluster of at least 3 servers.',
    );
    expect(new Set(Object.values(await replicaCounts(single().url, 'solo')))).toEqual(new Set([1]));
  }, 60_000);

  it('brings streams an earlier hub set to 3 copies on a single server back to the 1 it can hold', async () => {
    const first = await createNatsBus({ url: single().url, replicas: 1, prefix: 'back' });
    await first.publish('events', { id: 'kept', subject: 'github.push', payload: { n: 1 } });
    await first.close();
    // nats-server 2.9 outside a cluster accepts this update, and then never shows a leader for the stream.
    const nc = await connect({ servers: single().url });
    await (await jetstreamManager(nc)).streams.update('BACK_EVENTS', { num_replicas: 3 });
    await nc.close();
    const bus = await createNatsBus({ url: single().url, replicas: 1, prefix: 'back' });
    try {
      expect((await bus.get('events', 'kept'))?.payload).toEqual({ n: 1 });
    } finally {
      await bus.close();
    }
    expect(new Set(Object.values(await replicaCounts(single().url, 'back')))).toEqual(new Set([1]));
  }, 60_000);

  it('stops the hub when an existing stream cannot be changed, saying how to fix it', async () => {
    // Created with 3 copies on the cluster, then asked for 5: the cluster has only 3 servers.
    const config = NatsBusSchema.parse({ type: 'nats', url: cluster.url, replicas: 5 });
    const existing = await createNatsBus({ url: cluster.url, replicas: 3 });
    await existing.close();
    const error = await openBusForHub(config, silentLogger).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('bus.replicas is 5 but stream HOOKHUB_EVENTS has 3');
    expect((error as Error).message).toContain('nats stream edit HOOKHUB_EVENTS --replicas 5');
  }, 60_000);
});
