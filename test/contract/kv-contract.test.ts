/** The EventBus kv contract (src/bus/kv.ts), against the embedded and the NATS backend. */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { KvConflictError, updateKv } from '../../src/bus/kv.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { tempDir } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { join } from 'node:path';

interface KvHarness {
  bus: EventBus;
  reopen(): Promise<EventBus>;
  cleanup(): Promise<void>;
}

const natsServer = useNatsServer();
let counter = 0;

const backends: Record<string, () => Promise<KvHarness>> = {
  embedded: async () => {
    const path = join(tempDir('hookhub-kv-'), 'hookhub.db');
    let bus: EventBus = await createEmbeddedBus({ path });
    return {
      bus,
      reopen: async () => (await bus.close(), (bus = await createEmbeddedBus({ path }))),
      cleanup: () => bus.close(),
    };
  },
  nats: async () => {
    const url = natsServer().url;
    const prefix = `kv${process.pid}x${++counter}`;
    let bus: EventBus = await createNatsBus({ url, prefix });
    return {
      bus,
      reopen: async () => (await bus.close(), (bus = await createNatsBus({ url, prefix }))),
      cleanup: async () => {
        await bus.close();
        const nc = await connect({ servers: url });
        const jsm = await jetstreamManager(nc);
        for await (const name of jsm.streams.names()) if (name.toLowerCase().includes(prefix)) await jsm.streams.delete(name);
        await nc.close();
      },
    };
  },
};

for (const [name, make] of Object.entries(backends)) {
  describe(`EventBus kv contract: ${name}`, () => {
    let h: KvHarness;
    beforeEach(async () => void (h = await make()));
    afterEach(() => h.cleanup());

    it('stores JSON values under any key and lists them in key order', async () => {
      const kv = h.bus.kv('subscriptions');
      await kv.put('slack:T1/C2 acme/*', { features: ['issues'], n: 1 });
      await kv.put('a key with spaces, ünïcode and "quotes"', [1, 2]);
      expect((await kv.get('slack:T1/C2 acme/*'))?.value).toEqual({ features: ['issues'], n: 1 });
      expect((await kv.entries()).map((e) => e.key)).toEqual(['a key with spaces, ünïcode and "quotes"', 'slack:T1/C2 acme/*']);
      expect(await kv.get('missing')).toBeUndefined();
    });

    it('keeps buckets apart', async () => {
      await h.bus.kv('one').put('k', 1);
      expect(await h.bus.kv('two').get('k')).toBeUndefined();
      expect(await h.bus.kv('two').entries()).toEqual([]);
    });

    it('conditional writes: create only when absent, update only at the read revision', async () => {
      const kv = h.bus.kv('noise');
      const r1 = await kv.put('g', { n: 1 }, { revision: 0 });
      await expect(kv.put('g', { n: 9 }, { revision: 0 })).rejects.toBeInstanceOf(KvConflictError);
      const r2 = await kv.put('g', { n: 2 }, { revision: r1 });
      expect(r2).not.toBe(r1);
      await expect(kv.put('g', { n: 3 }, { revision: r1 })).rejects.toBeInstanceOf(KvConflictError);
      expect(await kv.get('g')).toEqual({ key: 'g', value: { n: 2 }, revision: r2 });
    });

    it('delete removes a key; it can be created again', async () => {
      const kv = h.bus.kv('noise');
      await kv.put('g', 1);
      await kv.delete('g');
      await kv.delete('never-there');
      expect(await kv.get('g')).toBeUndefined();
      expect(await kv.entries()).toEqual([]);
      await kv.put('g', 2, { revision: 0 });
      expect((await kv.get('g'))?.value).toBe(2);
    });

    it('conditional delete: only at the read revision', async () => {
      const kv = h.bus.kv('noise');
      const r1 = await kv.put('g', 1);
      const r2 = await kv.put('g', 2);
      await expect(kv.delete('g', { revision: r1 })).rejects.toBeInstanceOf(KvConflictError);
      await kv.delete('g', { revision: r2 });
      expect(await kv.get('g')).toBeUndefined();
    });

    it('updateKv: concurrent increments all land (optimistic concurrency)', async () => {
      const kv = h.bus.kv('counters');
      await Promise.all(Array.from({ length: 10 }, () => updateKv<number>(kv, 'c', (n) => (n ?? 0) + 1)));
      expect((await kv.get('c'))?.value).toBe(10);
    });

    it('updateKv: a burst of writers beyond the attempt count all land', async () => {
      const kv = h.bus.kv('counters');
      // More writers than attempts: in lockstep (one winner per round) the last ones would give up.
      await Promise.all(Array.from({ length: 40 }, () => updateKv<number>(kv, 'burst', (n) => (n ?? 0) + 1)));
      expect((await kv.get('burst'))?.value).toBe(40);
    });

    it('survives a restart', async () => {
      await h.bus.kv('subscriptions').put('s1', { target: 'acme/api' });
      const bus = await h.reopen();
      expect((await bus.kv('subscriptions').get('s1'))?.value).toEqual({ target: 'acme/api' });
    });
  });
}
