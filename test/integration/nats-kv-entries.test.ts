/**
 * Listing a kv bucket on NATS: every hub process lists buckets every second (the noise flusher), mostly empty
 * ones. Listing keys makes an ordered consumer, which on a cluster is made and removed through the meta leader,
 * so an empty bucket must be listed without one. A listing is one consistent read, even while others write.
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

  it('lists, with any entry, every entry written before it, while another process writes', async () => {
    const writerBus = await createNatsBus({ url: server().url, prefix: 'kvconsistent' });
    const readerBus = await createNatsBus({ url: server().url, prefix: 'kvconsistent' });
    const writer = writerBus.kv('revocations');
    const reader = readerBus.kv('revocations');
    let writing = true;
    // As a logout does: its own key, then a shared key naming the last one written; and the key written 20
    // before goes, as expired ones do, so the bucket stays small and is read often.
    const writes = (async () => {
      for (let i = 0; writing; i++) {
        await writer.put(`n${i}`, { i });
        await writer.put('last', { i });
        if (i >= 20) await writer.delete(`n${i - 20}`);
      }
    })();
    const torn: string[] = [];
    try {
      for (let read = 0; read < 300 && torn.length === 0; read++) {
        const entries = await reader.entries<{ i: number }>();
        const keys = new Set(entries.map((e) => e.key));
        const last = entries.find((e) => e.key === 'last')?.value.i ?? -1;
        for (let i = last - 10; i <= last; i++) if (i >= 0 && !keys.has(`n${i}`)) torn.push(`read ${read}: last n${last}, no n${i}`);
      }
    } finally {
      writing = false;
      await writes;
      await Promise.all([writerBus.close(), readerBus.close()]);
    }
    expect(torn).toEqual([]);
  }, 60_000);
});
