/**
 * Listing a kv bucket on NATS: every hub process lists buckets every second (the noise flusher), mostly empty
 * ones. Listing keys makes an ordered consumer, which on a cluster is made and removed through the meta leader,
 * so an empty bucket must be listed without one.
 */
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const server = useNatsServer();

describe('kv entries on NATS', () => {
  it('lists an empty bucket without making a consumer, and a filled one as before', async () => {
    const bus = await createNatsBus({ url: server().url, prefix: 'kventries' });
    const watcher = await connect({ servers: server().url });
    const created: string[] = [];
    const advisories = watcher.subscribe('$JS.EVENT.ADVISORY.CONSUMER.CREATED.KV_kventries_kv_groups.>');
    void (async () => {
      for await (const msg of advisories) created.push(msg.subject);
    })();
    await watcher.flush();
    try {
      const kv = bus.kv('groups');
      for (let i = 0; i < 3; i++) expect(await kv.entries()).toEqual([]);
      await kv.put('a', { n: 1 });
      expect((await kv.entries()).map((e) => [e.key, e.value])).toEqual([['a', { n: 1 }]]);
      await kv.delete('a');
      expect(await kv.entries()).toEqual([]);
      // The listing of the filled bucket made a consumer: its advisory shows the watch works, and any made by
      // the empty listings before it would have arrived before it.
      await eventually(() => created.length > 0, 5_000, 'the consumer advisory');
      expect(created).toHaveLength(1);
    } finally {
      advisories.unsubscribe();
      await watcher.close();
      await bus.close();
    }
  });
});
