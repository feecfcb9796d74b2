import { describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createNatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import { encodeEnvelope } from '../../../../src/bus/nats/nats-envelope.ts';
import { hashKey } from '../../../../src/bus/nats/nats-names.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

/** Counts what clients send to the server: JetStream API requests, KV writes and publishes under `prefix`. */
async function watchRequests(url: string, prefix: string): Promise<{ nc: NatsConnection; seen: string[] }> {
  const nc = await connect({ servers: url });
  const seen: string[] = [];
  const sub = nc.subscribe('>');
  void (async () => {
    for await (const msg of sub) {
      if (/^(\$JS\.API|\$KV)\./.test(msg.subject) || msg.subject.startsWith(`${prefix}.`)) seen.push(msg.subject);
    }
  })();
  await nc.flush();
  return { nc, seen };
}

/**
 * The server may pass the spy a request after the spy's own flush returns, and the spy's loop reads its
 * messages a turn later still: wait (up to 2 s) until `count()` reaches `expected`, then 100 ms more, so
 * that a request too many would show.
 */
async function settle(count: () => number, expected: number): Promise<void> {
  for (let waited = 0; count() < expected && waited < 2_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
}

describe('NATS hot path', () => {
  const natsServer = useNatsServer();

  it('stores a new message with a single request to the server, and answers a duplicate with one too', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'hot' });
    const spy = await watchRequests(natsServer().url, 'hot');
    try {
      await bus.publish('events', { id: 'd-1', subject: 'github.pull_request.opened', payload: { n: 1 } });
      await settle(() => spy.seen.length, 1);
      expect(spy.seen).toHaveLength(1);
      expect(spy.seen[0]).toMatch(/^hot\.events\.[A-Za-z0-9_-]{22}\.github\.pull_request\.opened$/);
      spy.seen.length = 0;
      expect(await bus.publish('events', { id: 'd-1', subject: 'github.pull_request.opened', payload: { n: 1 } })).toEqual({
        duplicate: true,
      });
      await settle(() => spy.seen.length, 1);
      expect(spy.seen).toHaveLength(1);
    } finally {
      await spy.nc.close();
      await bus.close();
    }
  });

  it('reads a job history without creating a consumer while it is short, and in order whatever its length', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'hist' });
    const spy = await watchRequests(natsServer().url, 'hist');
    const time = new Date(0).toISOString();
    try {
      for (let n = 1; n <= 20; n++) await bus.record({ ref: 'long', kind: 'attempt', time, data: { n } });
      for (let n = 1; n <= 3; n++) await bus.record({ ref: 'short', kind: 'attempt', time, data: { n } });
      await spy.nc.flush();
      spy.seen.length = 0;
      expect(await bus.records('none')).toEqual([]);
      expect((await bus.records('short')).map((r) => r.data.n)).toEqual([1, 2, 3]);
      // One "last" read for `none`; for `short` one, then one per record.
      const gets = () => spy.seen.filter((s) => s.startsWith('$JS.API.STREAM.MSG.GET.HIST_'));
      await settle(() => gets().length, 5);
      expect(spy.seen.filter((s) => s.includes('.CONSUMER.'))).toEqual([]);
      expect(gets(), spy.seen.join(' ')).toHaveLength(5);
      expect((await bus.records('long')).map((r) => r.data.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await spy.nc.close();
      await bus.close();
    }
  });

  it('keeps deduping and finding what an older release stored through its KV index, then drops the index once empty', async () => {
    // The older layout: the message on its type-only subject, its seq in the `<prefix>_dedup` bucket.
    const nc = await connect({ servers: natsServer().url });
    const first = await createNatsBus({ url: natsServer().url, prefix: 'legacy' });
    await first.close();
    const old = { id: 'old-1', subject: 'github.push', payload: { v: 1 } };
    const ack = await jetstream(nc).publish('legacy.events.github.push', encodeEnvelope(old));
    const index = await new Kvm(nc).create('legacy_dedup', { history: 1, ttl: 60_000 });
    await index.put(hashKey('events:old-1'), JSON.stringify({ seq: ack.seq }));
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'legacy' });
    try {
      expect((await bus.get('events', 'old-1'))?.payload).toEqual({ v: 1 });
      expect(await bus.publish('events', { ...old, payload: { v: 2 } })).toEqual({ duplicate: true });
      expect(await bus.publish('events', { id: 'new-1', subject: 'github.push', payload: { v: 3 } })).toEqual({ duplicate: false });
      expect((await bus.query({ stream: 'events', subject: 'github.*' })).map((m) => m.id)).toEqual(['old-1', 'new-1']);
    } finally {
      await bus.close();
    }
    // Once its entries have expired the next start deletes it.
    await index.purge(hashKey('events:old-1'));
    await jetstreamManager(nc).then((jsm) => jsm.streams.purge('KV_legacy_dedup'));
    const later = await createNatsBus({ url: natsServer().url, prefix: 'legacy' });
    try {
      const jsm = await jetstreamManager(nc);
      await expect(jsm.streams.info('KV_legacy_dedup')).rejects.toThrow(/stream not found/);
      expect((await later.get('events', 'new-1'))?.payload).toEqual({ v: 3 });
    } finally {
      await later.close();
      await nc.close();
    }
  });
});
