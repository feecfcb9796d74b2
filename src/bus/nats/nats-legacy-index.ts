/**
 * What older releases left on NATS, and how an upgraded hub reads or clears it.
 *
 * Releases before the events and jobs streams became their own dedup index kept a KV bucket
 * `<prefix>_dedup`: sha256(`stream:id`) → `{ seq }`. Its entries expire after the id horizon, so an
 * upgraded hub keeps consulting it (dedup, get of older messages, type queries over the older
 * subject layout) until it is empty, and deletes it at the first start that finds it so.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { Bucket, Kvm, type KV } from '@nats-io/kv';
import type { StreamName } from '../event-bus.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { hashKey } from './nats-names.ts';

export async function openLegacyIndex(js: JetStreamClient, jsm: JetStreamManager, bucket: string): Promise<KV | undefined> {
  const stream = `KV_${bucket}`;
  const info = await jsm.streams.info(stream).catch((err: unknown) => {
    if (hasNatsCode(err, NatsErrorCodes.StreamNotFound)) return undefined;
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

/** Set on the dead-letter stream once it holds letters only (nats-dead-letters.ts counts its messages). */
const LETTERS_ONLY = 'hookhub dead letters: one message per letter';

/** Set on a kv bucket's stream (`<prefix>_kv_<bucket>`) once the markers older releases' deletes left are cleared. */
const NO_DELETE_MARKERS = 'hookhub kv: deletes leave no marker';

/**
 * Older releases took dead letters, and removed kv keys, with a KV delete, which leaves a marker message per
 * key for good (history 1, no max age); the dead-letter store and nats-kv.ts now delete the key's message itself.
 * Clears the markers once, then marks the stream with `done`. Each purge stops at its marker's own sequence:
 * nats.js's purgeDeletes purges the key's whole subject, so a value another process wrote to that key after
 * the marker (while this one runs) would go with it.
 */
export async function dropDeleteMarkers(jsm: JetStreamManager, bucket: KV, stream: string, done = LETTERS_ONLY): Promise<void> {
  const info = await jsm.streams.info(stream);
  if (info.config.description === done) return;
  if (bucket instanceof Bucket && info.state.messages > 0) {
    const markers: { subject: string; seq: number }[] = [];
    for await (const entry of await bucket.history({ key: '>', headers_only: true })) {
      if (entry.operation !== 'PUT') markers.push({ subject: bucket.subjectForKey(entry.key), seq: entry.revision });
    }
    for (const { subject, seq } of markers) await jsm.streams.purge(stream, { filter: subject, seq: seq + 1 });
  }
  await jsm.streams.update(stream, { description: done });
}

/**
 * Clears the older releases' delete markers from each kv bucket of this hub (dropDeleteMarkers skips one marked).
 * Run from the retention pass, not at start-up or a bucket's first use: a large bucket's history takes a while.
 */
export async function dropKvDeleteMarkers(js: JetStreamClient, jsm: JetStreamManager, prefix: string): Promise<void> {
  const streams: string[] = [];
  for await (const name of jsm.streams.names()) if (name.startsWith(`KV_${prefix}_kv_`)) streams.push(name);
  const kvm = new Kvm(js);
  for (const stream of streams) {
    await dropDeleteMarkers(jsm, await kvm.open(stream.slice('KV_'.length)), stream, NO_DELETE_MARKERS);
  }
}
