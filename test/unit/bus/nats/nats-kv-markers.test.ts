/**
 * Delete markers an older release's kv deletes left in the hub's kv buckets (history 1, no max age: they
 * stayed for good): the retention pass clears them once per bucket, never a value written after a marker.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { createNatsBus, type NatsBus } from '../../../../src/bus/nats/nats-bus.ts';
import { dropKvDeleteMarkers } from '../../../../src/bus/nats/nats-legacy-index.ts';
import { useNatsServer } from '../../../helpers/nats-server.ts';

const natsServer = useNatsServer();
let counter = 0;
let prefix: string;
let nc: NatsConnection;
let jsm: JetStreamManager;
let bus: NatsBus;

beforeEach(async () => {
  prefix = `kvmarks${++counter}`;
  nc = await connect({ servers: natsServer().url });
  jsm = await jetstreamManager(nc);
  bus = await createNatsBus({ url: natsServer().url, prefix, pruneEveryMs: 3_600_000 });
});

afterEach(async () => {
  await bus.close();
  await nc.close();
});

const encode = (key: string) => Buffer.from(key, 'utf8').toString('base64url');
const messagesIn = async (bucket: string) => (await jsm.streams.info(`KV_${prefix}_kv_${bucket}`)).state.messages;

/** As an older release did: each key in `gone` written, then removed with a KV delete (a marker); `live` stays. */
async function oldStyle(bucket: string, gone: string[], live: string[]): Promise<void> {
  await bus.kv(bucket).get('opens the bucket');
  for (const key of live) await bus.kv(bucket).put(key, { live: key });
  const kv = await new Kvm(jetstream(nc)).open(`${prefix}_kv_${bucket}`);
  for (const key of gone) {
    await kv.put(encode(key), JSON.stringify({ old: key }));
    await kv.delete(encode(key));
  }
}

/** A JetStreamManager whose calls are counted by name; `beforePurge` runs before each purge. */
function counting(beforePurge: () => Promise<void> = async () => {}): { jsm: JetStreamManager; calls: string[] } {
  const calls: string[] = [];
  const streams = Object.create(jsm.streams, {
    info: { value: (...args: Parameters<JetStreamManager['streams']['info']>) => (calls.push('info'), jsm.streams.info(...args)) },
    names: { value: (subject?: string) => (calls.push('names'), jsm.streams.names(subject)) },
    update: { value: (...args: Parameters<JetStreamManager['streams']['update']>) => (calls.push('update'), jsm.streams.update(...args)) },
    purge: {
      value: async (...args: Parameters<JetStreamManager['streams']['purge']>) => {
        calls.push('purge');
        await beforePurge();
        return jsm.streams.purge(...args);
      },
    },
  }) as JetStreamManager['streams'];
  return { jsm: Object.create(jsm, { streams: { value: streams } }) as JetStreamManager, calls };
}

describe('kv delete markers from an older release on the nats bus', () => {
  it('one retention pass clears every bucket of them and keeps the live keys; later passes do no work', async () => {
    await oldStyle('mutes', ['m1', 'm2', 'm3'], ['kept']);
    await oldStyle('reminders', ['r1', 'r2'], ['a', 'b']);
    expect([await messagesIn('mutes'), await messagesIn('reminders')]).toEqual([4, 4]);

    await bus.prune(3_600_000);
    expect([await messagesIn('mutes'), await messagesIn('reminders')]).toEqual([1, 2]);
    expect((await bus.kv('mutes').entries()).map((e) => e.key)).toEqual(['kept']);
    expect((await bus.kv('reminders').entries()).map((e) => e.key)).toEqual(['a', 'b']);

    // Every JetStream request a later pass makes about the kv buckets, seen by another client.
    const spy = await connect({ servers: natsServer().url });
    const requests: string[] = [];
    const sub = spy.subscribe('$JS.API.>', {
      callback: (_err, msg) => {
        requests.push(msg.subject);
      },
    });
    await spy.flush();
    try {
      await bus.prune(3_600_000);
      await spy.flush();
      expect(requests.filter((s) => s === '$JS.API.STREAM.NAMES' || s.includes(`KV_${prefix}_kv_`))).toEqual([]);
    } finally {
      sub.unsubscribe();
      await spy.close();
    }
    // Another process (or a restart) finds the buckets marked: it reads no history and purges nothing.
    const other = counting();
    await dropKvDeleteMarkers(jetstream(nc), other.jsm, prefix);
    expect(other.calls).toEqual(['names', 'info', 'info']);
  });

  it('keeps a value another process writes to a marker key between the marker read and its purge', async () => {
    await oldStyle('mutes', ['scope'], ['kept']);
    let raced = false;
    const racing = counting(async () => {
      if (raced) return;
      raced = true;
      await bus.kv('mutes').put('scope', { by: 'another process' });
    });
    await dropKvDeleteMarkers(jetstream(nc), racing.jsm, prefix);
    expect(raced).toBe(true);
    expect((await bus.kv('mutes').get('scope'))?.value).toEqual({ by: 'another process' });
    expect((await bus.kv('mutes').entries()).map((e) => e.key)).toEqual(['kept', 'scope']);
    expect(await messagesIn('mutes')).toBe(2);
  });

  it('a failed purge fails the pass and leaves the bucket unmarked, so a later pass clears it', async () => {
    await oldStyle('subscriptions', ['s1', 's2'], []);
    const failing = counting(() => Promise.reject(new Error('storage down')));
    await expect(dropKvDeleteMarkers(jetstream(nc), failing.jsm, prefix)).rejects.toThrow('storage down');
    expect(failing.calls).not.toContain('update');
    await bus.prune(3_600_000);
    expect(await messagesIn('subscriptions')).toBe(0);
  });
});
