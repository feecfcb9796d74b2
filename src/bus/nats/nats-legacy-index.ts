/**
 * Releases before the events and jobs streams became their own dedup index kept a KV bucket
 * `<prefix>_dedup`: sha256(`stream:id`) → `{ seq }`. Its entries expire after the id horizon, so an
 * upgraded hub keeps consulting it (dedup, get of older messages, type queries over the older
 * subject layout) until it is empty, and deletes it at the first start that finds it so.
 */
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { StreamName } from '../event-bus.ts';
import { hashKey } from './nats-names.ts';

export async function openLegacyIndex(js: JetStreamClient, jsm: JetStreamManager, bucket: string): Promise<KV | undefined> {
  const stream = `KV_${bucket}`;
  const info = await jsm.streams.info(stream).catch((err: unknown) => {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw err;
  });
  if (info === undefined) return undefined;
  if (info.state.messages === 0) {
    await jsm.streams.delete(stream);
    return undefined;
  }
  return new Kvm(js).open(bucket);
}

export async function seenInLegacyIndex(index: KV, stream: StreamName, id: string): Promise<boolean> {
  return (await legacySeq(index, stream, id)) !== undefined;
}

/** Where the older release stored this id, if it still remembers it. */
export async function legacySeq(index: KV, stream: StreamName, id: string): Promise<number | undefined> {
  const entry = await index.get(hashKey(`${stream}:${id}`));
  if (entry === null || entry.operation !== 'PUT') return undefined;
  return entry.json<{ seq: number }>().seq;
}
