import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { matchTypeGlob } from '../../events/type-glob.ts';
import type { HistoryQuery, StoredMessage, StreamName } from '../event-bus.ts';
import { decodeEnvelope, timeFromNanos } from './nats-envelope.ts';
import type { NatsNames } from './nats-names.ts';
import { idKey, type IdEntry } from './nats-publish.ts';
import { readRange, type ReadDeps } from './nats-read.ts';

export interface QueryDeps extends ReadDeps {
  jsm: JetStreamManager;
  dedup: KV;
  names: NatsNames;
}

/** get(): the dedup bucket remembers each id's stream sequence; fetch that one message. */
export async function getMessage<T>(deps: QueryDeps, stream: StreamName, id: string): Promise<StoredMessage<T> | undefined> {
  const entry = await deps.dedup.get(idKey(stream, id));
  if (entry === null || entry.operation !== 'PUT') return undefined;
  const { seq } = entry.json<IdEntry>();
  const stored = await deps.jsm.streams.getMessage(deps.names.stream(stream), { seq });
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
    filter: deps.names.filter(query.stream, query.subject),
    // A cursor wins over a start time; `since` is still applied below.
    ...(query.afterSeq !== undefined ? { startSeq: query.afterSeq + 1 } : { startTime: query.since }),
  });
  for await (const msg of range) {
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
