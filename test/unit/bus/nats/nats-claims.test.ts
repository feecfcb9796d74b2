import { describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, headers } from '@nats-io/transport-node';
import { createNatsBus, type NatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import { CLAIM_HEADER } from '../../../../src/bus/nats/nats-claims.ts';
import { encodeEnvelope } from '../../../../src/bus/nats/nats-envelope.ts';
import { createNatsNames, hashKey } from '../../../../src/bus/nats/nats-names.ts';
import type { BusMessage } from '../../../../src/bus/event-bus.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

const signed = (id: string, contentKey: string): BusMessage => ({ id, subject: 'github.push', payload: { id }, contentKey });

/** Takes deliveries (acking each) until `quietMs` pass without one; counts what the consumer skipped. */
async function drain(bus: NatsBus, consumer: string, quietMs = 700): Promise<{ ids: string[]; skipped: number }> {
  let skipped = 0;
  const sub = bus.consume('events', consumer, { onSkipped: (n) => (skipped += n), ackWaitMs: 2_000 });
  const iterator = sub[Symbol.asyncIterator]();
  const ids: string[] = [];
  for (;;) {
    const timeout = new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), quietMs));
    const next = await Promise.race([iterator.next(), timeout]);
    if (next === 'quiet' || next.done === true) break;
    const delivery = next.value;
    ids.push(delivery.id);
    await delivery.ack();
  }
  await sub.stop();
  return { ids, skipped };
}

describe('NATS content claims', () => {
  const natsServer = useNatsServer();

  it('sends the claim of a new body ahead of its publish', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'pair' });
    bus.consume('events', 'router');
    const nc = await connect({ servers: natsServer().url });
    const seen: string[] = [];
    const spy = nc.subscribe('>', {
      callback: (_err, msg) => {
        if (/^(\$KV\.|pair\.)/.test(msg.subject)) seen.push(msg.subject);
      },
    });
    await nc.flush();
    try {
      expect(await bus.publish('events', signed('p-1', 'gh:body:0'))).toEqual({ duplicate: false });
      for (let waited = 0; seen.length < 2 && waited < 2_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([`$KV.pair_content.${hashKey('events:gh:body:0')}`, expect.stringMatching(/^pair\.events\./)]);
    } finally {
      spy.unsubscribe();
      await nc.close();
      await bus.close();
    }
  });

  it('does not wait for the claim to answer before it publishes where it consumes the stream, and claims first elsewhere', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'nowait' });
    const nc = await connect({ servers: natsServer().url });
    try {
      // The claims bucket gone (deleted behind the hub's back): every claim fails.
      await (await jetstreamManager(nc)).streams.delete('KV_nowait_content');
      // No subscription here: the claim goes first, and its failure stores nothing.
      await expect(bus.publish('events', signed('w-0', 'gh:lost:0'))).rejects.toThrow(
        /content claim failed, message not confirmed: no JetStream server answered for the stream \(a leader election under way, or the stream was deleted/,
      );
      expect(await bus.get('events', 'w-0')).toBeUndefined();
      // With one, the publish goes out with the claim; the message waits for its claim to be confirmed.
      const sub = bus.consume('events', 'router');
      expect(await bus.publish('events', signed('w-1', 'gh:lost:0'))).toEqual({ duplicate: false });
      expect((await bus.get('events', 'w-1'))?.payload).toEqual({ id: 'w-1' });
      await sub.stop();
    } finally {
      await nc.close();
      await bus.close();
    }
  });

  it('answers a replay as a duplicate, deletes it, and never hands it to a consumer of the same process', async () => {
    const bus = await createNatsBus({ url: natsServer().url, prefix: 'same' });
    const reader = bus.consume('events', 'reader');
    try {
      expect(await bus.publish('events', signed('s-1', 'gh:abc:0'))).toEqual({ duplicate: false });
      expect(await bus.publish('events', signed('s-2', 'gh:abc:0'))).toEqual({ duplicate: true });
      expect(await bus.get('events', 's-2')).toBeUndefined();
      expect((await drain(bus, 'router')).ids).toEqual(['s-1']);
      await reader.stop();
    } finally {
      await bus.close();
    }
  });

  it('turns down, in another process, a replay its publisher stored but could not delete', async () => {
    const url = natsServer().url;
    const publisher = await createNatsBus({ url, prefix: 'other' });
    const nc = await connect({ servers: url });
    const names = createNatsNames('other');
    try {
      expect(await publisher.publish('events', signed('o-1', 'gh:xyz:0'))).toEqual({ duplicate: false });
      // As if the publisher stopped after storing the replay, before its claim's answer (or its delete):
      // the same body under a new id, marked as not yet confirmed.
      const mark = (key: string) => {
        const h = headers();
        h.set(CLAIM_HEADER, key);
        return h;
      };
      const js = jetstream(nc);
      const replay = signed('o-2', 'gh:xyz:0');
      await js.publish(names.subject('events', 'o-2', 'github.push'), encodeEnvelope(replay), {
        headers: mark(hashKey('events:gh:xyz:0')),
      });
      // And a new body whose claim never reached NATS at all: it is claimed for its id when consumed.
      const unclaimed = signed('o-3', 'gh:new:0');
      await js.publish(names.subject('events', 'o-3', 'github.push'), encodeEnvelope(unclaimed), {
        headers: mark(hashKey('events:gh:new:0')),
      });
      await publisher.close();

      const consumer = await createNatsBus({ url, prefix: 'other' });
      try {
        expect(await drain(consumer, 'router')).toEqual({ ids: ['o-1', 'o-3'], skipped: 1 });
        const claims = await new Kvm(nc).open('other_content');
        expect((await claims.get(hashKey('events:gh:new:0')))?.string()).toBe('o-3');
        // The replay was acked when turned down: nothing is left for the consumer.
        const info = await (await jetstreamManager(nc)).consumers.info(names.stream('events'), 'router');
        expect(info.num_ack_pending + info.num_pending).toBe(0);
      } finally {
        await consumer.close();
      }
    } finally {
      await nc.close();
    }
  });

  it('stores the body under a new id when the id that claimed it was never stored (its publish failed)', async () => {
    const url = natsServer().url;
    const nc = await connect({ servers: url });
    const names = createNatsNames('unstored');
    // Where the process consumes the stream (claim and publish in one write) and where it does not (claim first).
    const bus = await createNatsBus({ url, prefix: 'unstored', timeoutMs: 300 });
    const reader = bus.consume('events', 'reader');
    try {
      const jsm = await jetstreamManager(nc);
      const { subjects } = (await jsm.streams.info(names.stream('events'))).config;
      // The events stream does not answer (no leader): each publish fails after its claim landed, answering 503.
      // (Not deleted: the bus would create it again, nats-store-repair.ts.)
      await jsm.streams.update(names.stream('events'), { subjects: ['unstored.elsewhere.>'] });
      await expect(bus.publish('events', signed('u-1', 'gh:lost:0'))).rejects.toThrow();
      await reader.stop();
      await expect(bus.publish('events', signed('u-3', 'gh:lost:1'))).rejects.toThrow();
      await jsm.streams.update(names.stream('events'), { subjects });

      // The provider retries the same body under a new delivery id (one made per request): it must be stored.
      expect(await bus.publish('events', signed('u-4', 'gh:lost:1'))).toEqual({ duplicate: false });
      const again = bus.consume('events', 'reader');
      expect(await bus.publish('events', signed('u-2', 'gh:lost:0'))).toEqual({ duplicate: false });
      await again.stop();
      expect((await drain(bus, 'router')).ids.sort()).toEqual(['u-2', 'u-4']);
      // And a replay of a stored body is still a duplicate.
      expect(await bus.publish('events', signed('u-5', 'gh:lost:0'))).toEqual({ duplicate: true });
    } finally {
      await bus.close();
      await nc.close();
    }
  });
});
