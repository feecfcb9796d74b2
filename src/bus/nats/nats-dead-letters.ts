import type { KV, KvEntry } from '@nats-io/kv';
import { decodeDeadLetterCursor, encodeDeadLetterCursor, isAfterCursor } from '../dead-letter-cursor.ts';
import type { DeadLetter, DeadLetterPage } from '../event-bus.ts';
import { hashKey } from './nats-names.ts';

/**
 * Dead letters in a KV bucket keyed by sha256(id) (ids may hold characters KV keys forbid).
 * Dead-lettering the same job again replaces the earlier entry.
 */
export async function putDeadLetter(bucket: KV, entry: DeadLetter): Promise<void> {
  await bucket.put(hashKey(entry.id), JSON.stringify(entry));
}

/** Oldest first by dead-letter time. Reads every key: dead letters are few by nature. */
export async function listDeadLetters(bucket: KV, options: { since?: Date; limit?: number } = {}): Promise<DeadLetter[]> {
  const keys: string[] = [];
  for await (const key of await bucket.keys()) keys.push(key);
  const entries = await Promise.all(keys.map((key) => bucket.get(key)));
  const since = options.since?.getTime();
  const letters = entries
    .filter((e): e is KvEntry => e !== null && e.operation === 'PUT')
    .map((e) => e.json<DeadLetter>())
    .filter((letter) => since === undefined || Date.parse(letter.time) >= since)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return options.limit === undefined ? letters : letters.slice(0, options.limit);
}

/** Deletes the letters dead-lettered before `before` (each checked by revision, so a letter replaced meanwhile stays). */
export async function purgeDeadLetters(bucket: KV, before: Date): Promise<number> {
  let purged = 0;
  for (const letter of await listDeadLetters(bucket)) {
    if (Date.parse(letter.time) >= before.getTime()) break;
    if ((await takeDeadLetter(bucket, letter.id)) !== undefined) purged += 1;
  }
  return purged;
}

/** Counts the keys only: no dead letter's payload is read. */
export async function countDeadLetters(bucket: KV): Promise<number> {
  let count = 0;
  for await (const key of await bucket.keys()) if (key) count += 1;
  return count;
}

/** Removes and returns one dead letter; of two concurrent takers only one gets it. */
export async function takeDeadLetter(bucket: KV, id: string): Promise<DeadLetter | undefined> {
  const key = hashKey(id);
  const entry = await bucket.get(key);
  if (entry === null || entry.operation !== 'PUT') return undefined;
  try {
    await bucket.delete(key, { previousSeq: entry.revision });
  } catch (err) {
    // Someone else took (or replaced) it between our read and our delete.
    if (err instanceof Error && /wrong last sequence/i.test(err.message)) return undefined;
    throw err;
  }
  return entry.json<DeadLetter>();
}

export async function getDeadLetter(bucket: KV, id: string): Promise<DeadLetter | undefined> {
  const entry = await bucket.get(hashKey(id));
  return entry === null || entry.operation !== 'PUT' ? undefined : entry.json<DeadLetter>();
}

/** Newest first. KV keys are hashes with no order, so this reads every letter; embedded reads one page. */
export async function pageDeadLetters(bucket: KV, options: { since?: Date; cursor?: string; limit: number }): Promise<DeadLetterPage> {
  const cursor = options.cursor === undefined ? undefined : decodeDeadLetterCursor(options.cursor);
  const newestFirst = (await listDeadLetters(bucket, options.since ? { since: options.since } : {}))
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || (a.id < b.id ? 1 : -1))
    .filter((letter) => cursor === undefined || isAfterCursor(letter, cursor));
  const letters = newestFirst.slice(0, options.limit);
  const last = letters[letters.length - 1];
  return { letters, ...(newestFirst.length > options.limit && last ? { next: encodeDeadLetterCursor(last) } : {}) };
}
