import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { StorageType } from '@nats-io/jetstream';
import { creatingWithReplicas, ensureReplicas } from './nats-replicas.ts';
import { checkBucketName, KvConflictError, type KvBucket, type KvEntry } from '../kv.ts';
import { hasNatsCode, MESSAGE_GONE, NatsErrorCodes } from './nats-error-codes.ts';
import { mayMeanStoreGone } from './nats-store-repair.ts';

/** A conditional write or delete whose expected revision no longer holds. */
const WRONG_REVISION = [NatsErrorCodes.StreamWrongLastSequence, NatsErrorCodes.StreamWrongLastSequenceUnknown];

export interface NatsKvDeps {
  js: JetStreamClient;
  /** Deployment prefix (`hookhub`): the bucket is `<prefix>_kv_<bucket>`. */
  prefix: string;
  timeoutMs: number;
  /** For bus.replicas on buckets that already exist. */
  jsm: JetStreamManager;
  replicas: number;
}

async function openBucket(deps: NatsKvDeps, name: string): Promise<KV> {
  const { replicas } = deps;
  const kv = await creatingWithReplicas(`KV bucket ${name}`, replicas, () =>
    new Kvm(deps.js).create(name, { history: 1, storage: StorageType.File, timeout: deps.timeoutMs, replicas }),
  );
  await ensureReplicas(deps.jsm, await deps.jsm.streams.info(`KV_${name}`), replicas);
  return kv;
}

/**
 * One EventBus kv bucket as a JetStream KV bucket (history 1, no max age: the state lives until
 * deleted). Keys are base64url-encoded because KV keys allow only `[-/_=.A-Za-z0-9]`.
 * Conditional writes map to KV create (revision 0) and update (expected revision), which the
 * server checks atomically. A delete removes the key's message by its sequence instead of writing
 * a KV delete marker: a marker stays for good (history 1, no max age), so a bucket whose keys come
 * and go (republish claims, reminders, mutes) would grow by one message per key ever deleted, and
 * entries() would read them all. A conditional delete uses the given revision; an unconditional one
 * reads the key's latest sequence first (removeKey). Only nats-server 2.9 features are used.
 */
export function createNatsKv(deps: NatsKvDeps, bucketName: string): KvBucket {
  const name = `${deps.prefix}_kv_${checkBucketName(bucketName)}`;
  let opened: Promise<KV> | undefined;
  const open = (): Promise<KV> => {
    opened ??= openBucket(deps, name).catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
  // A bucket NATS has lost (restarted without its storage) is opened, so created, again by the next call.
  const withBucket = async <T>(work: (kv: KV) => Promise<T>): Promise<T> => {
    const bucket = open();
    try {
      return await work(await bucket);
    } catch (error) {
      if (opened === bucket && (mayMeanStoreGone(error) || (await timedOutOnLostBucket(deps.jsm, name, error)))) opened = undefined;
      throw error;
    }
  };
  const read = async <T>(kv: KV, encoded: string): Promise<KvEntry<T> | undefined> => {
    const entry = await kv.get(encoded);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return { key: decodeKey(encoded), value: entry.json<T>(), revision: entry.revision };
  };
  return {
    get<T>(key: string) {
      return withBucket((kv) => read<T>(kv, encodeKey(key)));
    },
    put(key, value, options = {}) {
      return withBucket(async (kv) => {
        const encoded = encodeKey(key);
        const data = JSON.stringify(value);
        try {
          if (options.revision === undefined) return await kv.put(encoded, data);
          if (options.revision === 0) return await kv.create(encoded, data);
          return await kv.update(encoded, data, options.revision);
        } catch (error) {
          if (hasNatsCode(error, ...WRONG_REVISION)) throw new KvConflictError(key);
          throw error;
        }
      });
    },
    delete(key, options = {}) {
      return withBucket(async (kv) => {
        if (options.revision === undefined) return removeKey(deps.jsm, kv, name, encodeKey(key));
        await removeAtRevision(deps.jsm, name, key, options.revision);
      });
    },
    entries<T>() {
      return withBucket((kv) => listEntries<T>(deps, kv, name));
    },
  };
}

/** A read of a bucket NATS lost is not answered "stream not found": it times out (a direct get nobody serves). */
async function timedOutOnLostBucket(jsm: JetStreamManager, name: string, error: unknown): Promise<boolean> {
  if (!(error instanceof Error) || error.name !== 'TimeoutError') return false;
  return jsm.streams.info(`KV_${name}`).then(
    () => false,
    (infoError: unknown) => hasNatsCode(infoError, NatsErrorCodes.StreamNotFound),
  );
}

/** A conditional delete: removes the message at `revision`, or throws KvConflictError when it is gone. */
async function removeAtRevision(jsm: JetStreamManager, bucket: string, key: string, revision: number): Promise<void> {
  try {
    // With history 1 the message at that sequence is gone once the key is written again: then it fails.
    // Asked of the stream's leader, so no lagging replica's read decides it (a kv get may be answered by any).
    await jsm.streams.deleteMessage(`KV_${bucket}`, revision, false);
  } catch (error) {
    if (hasNatsCode(error, ...MESSAGE_GONE)) throw new KvConflictError(key);
    throw error;
  }
}

/** How often a listing that stalled (see listOnce) is started again before entries() fails. */
const LIST_ATTEMPTS = 3;

/** Every entry of the bucket, in key order, from one consistent read (KvBucket.entries). */
async function listEntries<T>(deps: Pick<NatsKvDeps, 'jsm' | 'timeoutMs'>, kv: KV, bucket: string): Promise<KvEntry<T>[]> {
  for (let attempt = 1; ; attempt++) {
    const listed = await listOnce<T>(deps, kv, bucket);
    if (listed) return listed;
    if (attempt >= LIST_ATTEMPTS) throw new Error(`kv: listing ${bucket} stalled ${LIST_ATTEMPTS} times while its entries were deleted`);
  }
}

/**
 * One listing, or undefined when it stalled: the consumer reading the history counts the messages pending
 * when it is made and ends after the last of them; when those are deleted before they reach it (another
 * process forgets an idle noise group), none comes and it would wait for good, and with it the loop that
 * listed (the noise flusher). No entry for `timeoutMs` stops it.
 */
async function listOnce<T>(deps: Pick<NatsKvDeps, 'jsm' | 'timeoutMs'>, kv: KV, bucket: string): Promise<KvEntry<T>[] | undefined> {
  // Listing keys makes an ordered consumer, which on a cluster is a consumer of its own, made and removed
  // through the meta leader; every hub process lists buckets every second (the noise flusher), mostly empty.
  const { state } = await deps.jsm.streams.info(`KV_${bucket}`);
  if (state.messages === 0) return [];
  // Keys and values from that one consumer, which reads one server's copy in stream order: it lists an entry only
  // with every entry written before it. Keys listed, then each read with a kv get (answered by any replica), could
  // mix a lagging copy's list with a current one's values, and leave out a key written before one it read.
  const found = new Map<string, KvEntry<T>>();
  const history = await kv.history();
  let stalled = false;
  const watchdog = setTimeout(() => {
    stalled = true;
    history.stop();
  }, deps.timeoutMs);
  try {
    for await (const entry of history) {
      watchdog.refresh();
      const key = decodeKey(entry.key);
      if (entry.operation === 'PUT') found.set(key, { key, value: entry.json<T>(), revision: entry.revision });
      else found.delete(key);
      // Up to the bucket's last write when asked: with writers that never pause it would not catch up.
      if (entry.revision >= state.last_seq) break;
    }
  } finally {
    clearTimeout(watchdog);
  }
  if (stalled) return undefined;
  return [...found.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** How often an unconditional delete chases a key written again under it before it writes a marker. */
const DELETE_ATTEMPTS = 5;

/**
 * Deletes the key's latest message by sequence. Both the read and the delete are answered by the
 * stream's leader (a kv get may be answered by a lagging replica). A write between the two removes
 * the message read (history 1), so the delete fails (MESSAGE_GONE) and is tried again on the new one:
 * the delete ends up after any write it raced, as a marker would, and never touches a later one.
 * A key that keeps changing gets a marker after all (a later delete of the key removes it).
 */
async function removeKey(jsm: JetStreamManager, kv: KV, bucket: string, encoded: string): Promise<void> {
  const stream = `KV_${bucket}`;
  for (let i = 0; i < DELETE_ATTEMPTS; i++) {
    const latest = await jsm.streams.getMessage(stream, { last_by_subj: `$KV.${bucket}.${encoded}` });
    if (latest === null) return;
    try {
      await jsm.streams.deleteMessage(stream, latest.seq, false);
      return;
    } catch (error) {
      if (!hasNatsCode(error, ...MESSAGE_GONE)) throw error;
    }
  }
  await kv.delete(encoded);
}

function encodeKey(key: string): string {
  if (key.length === 0) throw new Error('kv keys must not be empty');
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeKey(encoded: string): string {
  return Buffer.from(encoded, 'base64url').toString('utf8');
}
