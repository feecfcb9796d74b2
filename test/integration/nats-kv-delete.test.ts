/** Unconditional kv deletes on NATS: they leave no delete marker, and never remove a write that came after them. */
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { KvConflictError, type KvBucket } from '../../src/bus/kv.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createNatsKv } from '../../src/bus/nats/nats-kv.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
let nc: NatsConnection;
let jsm: JetStreamManager;
let bus: EventBus | undefined;
let counter = 0;
let prefix: string;

beforeEach(async () => {
  nc = await connect({ servers: natsServer().url });
  jsm = await jetstreamManager(nc);
  prefix = `kvdel${process.pid}x${++counter}`;
});
afterEach(async () => {
  await bus?.close();
  bus = undefined;
  await nc.close();
});

const messagesIn = async (bucket: string): Promise<number> => (await jsm.streams.info(`KV_${prefix}_kv_${bucket}`)).state.messages;

/** The bucket as a hub process sees it, its deletes going through `streams` (the real JetStream API, wrapped). */
function kvWith(bucket: string, streams: (real: JetStreamManager['streams']) => Partial<JetStreamManager['streams']>): KvBucket {
  const wrapped = Object.assign(Object.create(jsm.streams) as JetStreamManager['streams'], streams(jsm.streams));
  const manager = Object.assign(Object.create(jsm) as JetStreamManager, { streams: wrapped });
  return createNatsKv({ js: jetstream(nc), jsm: manager, prefix, timeoutMs: 5000, replicas: 1 }, bucket);
}

/** The mutes bucket of a process whose first delete meets another process's write of `scope` just before it lands. */
function racedOnScope(): { kv: KvBucket; raced: () => boolean } {
  const other = kvWith('mutes', () => ({}));
  let raced = false;
  const kv = kvWith('mutes', (real) => ({
    deleteMessage: async (stream, seq, erase) => {
      if (!raced) await other.put('scope', { by: 'another process' });
      raced = true;
      return real.deleteMessage(stream, seq, erase);
    },
  }));
  return { kv, raced: () => raced };
}

describe('kv delete on the nats bus', () => {
  it('leaves no message in the bucket after put/delete cycles on distinct keys (reminders, mutes)', async () => {
    bus = await createNatsBus({ url: natsServer().url, prefix });
    const kv = bus.kv('reminders');
    for (let i = 0; i < 20; i++) {
      await kv.put(`r-${i}`, { i });
      await kv.delete(`r-${i}`);
      await kv.delete(`never-${i}`);
    }
    expect(await messagesIn('reminders')).toBe(0);
    expect(await kv.entries()).toEqual([]);
    await kv.put('r-3', { again: true }, { revision: 0 });
    expect((await kv.get('r-3'))?.value).toEqual({ again: true });
  });

  it('a write landing between its read and its delete is deleted too, as a marker written after it would', async () => {
    const { kv, raced } = racedOnScope();
    await kv.put('scope', { by: 'me' });
    await kv.delete('scope');
    expect(raced()).toBe(true);
    expect(await kv.get('scope')).toBeUndefined();
    expect(await messagesIn('mutes')).toBe(0);
  });

  it('retries the same way when the replaced message sits mid-stream (the server answers 10043 there, not 10057)', async () => {
    const { kv, raced } = racedOnScope();
    await kv.put('first', { n: 1 });
    await kv.put('scope', { by: 'me' });
    await kv.put('later', { n: 2 });
    await kv.delete('scope');
    expect(raced()).toBe(true);
    expect(await kv.get('scope')).toBeUndefined();
    expect((await kv.entries()).map((e) => e.key).sort()).toEqual(['first', 'later']);
  });

  it('a conditional delete at a revision replaced mid-stream is a conflict, not a raw server error', async () => {
    const kv = kvWith('claims', () => ({}));
    await kv.put('other', { n: 1 });
    const first = await kv.put('g', { v: 1 });
    await kv.put('after', { n: 2 });
    await kv.put('g', { v: 2 });
    await expect(kv.delete('g', { revision: first })).rejects.toBeInstanceOf(KvConflictError);
    expect((await kv.get('g'))?.value).toEqual({ v: 2 });
  });

  it('never removes a write made once its delete has removed the key', async () => {
    const other = kvWith('mutes', () => ({}));
    const kv = kvWith('mutes', (real) => ({
      deleteMessage: async (stream, seq, erase) => {
        const deleted = await real.deleteMessage(stream, seq, erase);
        await other.put('scope', { by: 'another process' });
        return deleted;
      },
    }));
    await kv.put('scope', { by: 'me' });
    await kv.delete('scope');
    expect((await kv.get('scope'))?.value).toEqual({ by: 'another process' });
    expect((await kv.entries()).map((e) => e.key)).toEqual(['scope']);
  });

  it('a key written again before every attempt gets a marker after all; the next delete removes it', async () => {
    const other = kvWith('mutes', () => ({}));
    let writes = 0;
    const kv = kvWith('mutes', (real) => ({
      deleteMessage: async (stream, seq, erase) => {
        await other.put('scope', { write: ++writes });
        return real.deleteMessage(stream, seq, erase);
      },
    }));
    await kv.put('scope', { by: 'me' });
    await kv.delete('scope');
    expect(writes).toBeGreaterThan(1);
    expect(await kv.get('scope')).toBeUndefined();
    expect(await kv.entries()).toEqual([]);
    expect(await messagesIn('mutes')).toBe(1);

    await other.delete('scope');
    expect(await messagesIn('mutes')).toBe(0);
    await other.put('scope', { created: true }, { revision: 0 });
    expect((await other.get('scope'))?.value).toEqual({ created: true });
  });
});
