import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { matchTypeGlob } from '../../events/type-glob.ts';
import type { HistoryQuery, StoredMessage, StreamName } from '../event-bus.ts';
import { decodeEnvelope, timeFromNanos } from './nats-envelope.ts';
import type { NatsNames } from './nats-names.ts';
import { legacySeq } from './nats-legacy-index.ts';
import { readRange, type ReadDeps } from './nats-read.ts';

export interface QueryDeps extends ReadDeps {
  jsm: JetStreamManager;
  names: NatsNames;
  /** The id index of an older release while it has entries (nats-legacy-index.ts). */
  legacy: KV | undefined;
}

/** get(): the newest message on the id's own subject, read from the stream leader (never a stale replica). */
export async function getMessage<T>(deps: QueryDeps, stream: StreamName, id: string): Promise<StoredMessage<T> | undefined> {
  const name = deps.names.stream(stream);
  let stored = await deps.jsm.streams.getMessage(name, { last_by_subj: deps.names.idFilter(stream, id) });
  if (stored === null && deps.legacy !== undefined) {
    const seq = await legacySeq(deps.legacy, stream, id);
    if (seq !== undefined) stored = await deps.jsm.streams.getMessage(name, { seq });
  }
  if (stored === null) return undefined;
  const message = decodeEnvelope<T>(stored.data, stored.seq, stored.time);
  return message.id === id ? message : undefined;
}

/** Oldest first; the subject glob is filtered by the server and re-checked here (see globToFilter). */
export async function queryMessages<T>(deps: QueryDeps, query: HistoryQuery): Promise<StoredMessage<T>[]> {
  const limit = query.limit ?? 100;
  const out: StoredMessage<T>[] = [];
  if (limit <= 0) return out;
  const range = readRange(deps, {
    stream: deps.names.stream(query.stream),
    // Messages of an older release sit on type-only subjects: while they may remain, filter here only.
    filter: deps.names.filter(query.stream, deps.legacy === undefined ? query.subject : undefined),
    // A cursor wins over a start time; `since` is still applied below.
    ...(query.afterSeq !== undefined ? { startSeq: query.afterSeq + 1 } : { startTime: query.since }),
    // A seq window fetches no batch past its end (a batch of large messages is megabytes).
    ...(query.afterSeq !== undefined && query.beforeSeq !== undefined
      ? { maxMessages: Math.max(0, query.beforeSeq - query.afterSeq - 1) }
      : {}),
  });
  for await (const msg of range) {
    if (query.beforeSeq !== undefined && msg.info.streamSequence >= query.beforeSeq) break;
    const time = timeFromNanos(msg.info.timestampNanos);
    if (query.until !== undefined && time >= query.until) break;
    if (query.since !== undefined && time < query.since) continue;
    const message = decodeEnvelope<T>(msg.data, msg.info.streamSequence, time);
    if (query.subject !== undefined && !matchTypeGlob(query.subject, message.subject)) continue;
    out.push(message);
    if (out.length >= limit) break;
  }
  return out;
}

/** The stream's last seq from its state (one request to its leader), 0 while it holds no message. */
export async function lastSeq(deps: QueryDeps, stream: StreamName): Promise<number> {
  const { messages, last_seq: last } = (await deps.jsm.streams.info(deps.names.stream(stream))).state;
  return messages === 0 ? 0 : last;
}
