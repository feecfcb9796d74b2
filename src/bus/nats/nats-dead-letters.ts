/**
 * Dead letters in a KV bucket keyed by sha256(id) (ids may hold characters KV keys forbid). The bucket
 * keeps one message per key, in the order letters were written, so its stream is read in windows of
 * sequence numbers: a page, a purge or a retry reads about what it returns, never the whole queue.
 * Taking a letter deletes its stream message (no delete marker), so the stream's message count is
 * the number of letters.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { PayloadError } from '../../errors.ts';
import type { DeadLetter, DeadLetterPage } from '../event-bus.ts';
import { hasNatsCode, MESSAGE_GONE } from './nats-error-codes.ts';
import { hashKey } from './nats-names.ts';
import { readRange, type RangeRequest } from './nats-read.ts';

export interface DeadLetterStore {
  kv: KV;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The bucket's stream, `KV_<bucket>`. */
  stream: string;
  /** Every key's subject, `$KV.<bucket>.>`. */
  filter: string;
}

interface StoredLetter {
  seq: number;
  letter: DeadLetter;
}

/** Dead-lettering the same job again replaces the earlier entry (and moves it to the end). */
export async function putDeadLetter(store: DeadLetterStore, entry: DeadLetter): Promise<void> {
  await store.kv.put(hashKey(entry.id), JSON.stringify(entry));
}

export async function getDeadLetter(store: DeadLetterStore, id: string): Promise<DeadLetter | undefined> {
  const entry = await store.kv.get(hashKey(id));
  return entry === null || entry.operation !== 'PUT' ? undefined : entry.json<DeadLetter>();
}

export async function countDeadLetters(store: DeadLetterStore): Promise<number> {
  return (await store.jsm.streams.info(store.stream)).state.messages;
}

/**
 * Removes and returns one dead letter (with `time`, only the one dead-lettered then); of two concurrent
 * takers only one gets it, and a letter replaced meanwhile stays.
 */
export async function takeDeadLetter(store: DeadLetterStore, id: string, time?: string): Promise<DeadLetter | undefined> {
  const entry = await store.kv.get(hashKey(id));
  if (entry === null || entry.operation !== 'PUT') return undefined;
  const letter = entry.json<DeadLetter>();
  if (time !== undefined && letter.time !== time) return undefined;
  return (await deleteSeq(store, entry.revision)) ? letter : undefined;
}

/**
 * Oldest first, at most `limit` (default 100, as on every bus). Each fetch asks for the letters still
 * missing, so the read stops at the last one it returns (plus letters older than `since`, skipped).
 */
export async function listDeadLetters(store: DeadLetterStore, options: { since?: Date; limit?: number } = {}): Promise<DeadLetter[]> {
  const since = options.since?.getTime();
  const limit = options.limit ?? 100;
  const out: DeadLetter[] = [];
  if (limit <= 0) return out;
  for await (const { letter } of readForward(store, { nextBatch: () => limit - out.length })) {
    if (since !== undefined && Date.parse(letter.time) < since) continue;
    out.push(letter);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Deletes the letters dead-lettered before `before`, oldest first, and stops at the first younger one.
 * Where that is shows only once it is read: fetches start at one letter and double (up to 256), so a
 * purge of N letters reads at most 2N + 1 (one when there is nothing to purge).
 */
export async function purgeDeadLetters(store: DeadLetterStore, before: Date): Promise<number> {
  let purged = 0;
  let fetchSize = 1;
  const nextBatch = () => {
    const size = fetchSize;
    fetchSize *= 2;
    return size;
  };
  for await (const { seq, letter } of readForward(store, { nextBatch })) {
    if (Date.parse(letter.time) >= before.getTime()) break;
    if (await deleteSeq(store, seq)) purged += 1;
  }
  return purged;
}

/**
 * Newest first, one window of sequence numbers at a time; the cursor is the last letter's sequence. The
 * first window is the page and one more (whether there is a next page), so a page of N reads N + 1
 * letters unless letters were taken from between them; later windows are at least 100 seqs, so a
 * stretch of taken letters costs few round trips.
 */
export async function pageDeadLetters(
  store: DeadLetterStore,
  options: { since?: Date; cursor?: string; limit: number },
): Promise<DeadLetterPage> {
  const { state } = await store.jsm.streams.info(store.stream);
  const since = options.since?.getTime();
  const found: StoredLetter[] = [];
  let before = options.cursor === undefined ? state.last_seq + 1 : cursorSeq(options.cursor);
  let span = options.limit + 1;
  let older = false;
  while (!older && before > state.first_seq && found.length <= options.limit) {
    const from = Math.max(state.first_seq, before - span);
    span = Math.max(100, options.limit + 1);
    const window = await readWindow(store, from, before);
    for (const stored of window.reverse()) {
      // Letters are written in time order, so the first one older than `since` ends the page.
      older = since !== undefined && Date.parse(stored.letter.time) < since;
      if (older || found.length > options.limit) break;
      found.push(stored);
    }
    before = from;
  }
  const page = found.slice(0, options.limit);
  const last = page[page.length - 1];
  return { letters: page.map((s) => s.letter), ...(found.length > options.limit && last ? { next: String(last.seq) } : {}) };
}

function cursorSeq(cursor: string): number {
  const seq = Number(cursor);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new PayloadError(`not a dead-letter cursor: ${cursor}`);
  return seq;
}

/** The letters stored at sequences [from, before), oldest first; no fetch reaches past `before`. */
async function readWindow(store: DeadLetterStore, from: number, before: number): Promise<StoredLetter[]> {
  const out: StoredLetter[] = [];
  for await (const stored of readForward(store, { startSeq: from, maxMessages: before - from })) {
    if (stored.seq >= before) break;
    out.push(stored);
  }
  return out;
}

async function* readForward(
  store: DeadLetterStore,
  bounds: Pick<RangeRequest, 'startSeq' | 'maxMessages' | 'nextBatch'>,
): AsyncGenerator<StoredLetter> {
  // Without a bound each fetch takes up to 256 letters (each a whole job) past what the caller reads.
  const range = readRange(store, { stream: store.stream, filter: store.filter, ...bounds });
  for await (const msg of range) {
    // Delete markers (written by releases that took letters with a KV delete) carry no letter.
    if (msg.data.length === 0 || msg.headers?.get('KV-Operation')) continue;
    yield { seq: msg.seq, letter: msg.json<DeadLetter>() };
  }
}

/** Deletes one stored letter by sequence: false when it is already gone (taken or replaced by someone else). */
async function deleteSeq(store: DeadLetterStore, seq: number): Promise<boolean> {
  try {
    return await store.jsm.streams.deleteMessage(store.stream, seq, false);
  } catch (err) {
    if (hasNatsCode(err, ...MESSAGE_GONE)) return false;
    throw err;
  }
}
