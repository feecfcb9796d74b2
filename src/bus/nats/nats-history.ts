import type { JetStreamClient } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { HistoryRecord } from '../event-bus.ts';
import type { Cork } from './nats-cork.ts';
import type { NatsNames } from './nats-names.ts';
import { readRange, type ReadDeps } from './nats-read.ts';

export interface HistoryDeps extends ReadDeps {
  js: JetStreamClient;
  /** A job's first read and its records join the other requests of their event-loop turn in one socket write. */
  cork: Cork;
  names: NatsNames;
  timeoutMs: number;
}

/**
 * History records live in their own stream, one subject per ref (`<prefix>.history.<sha256(ref)>`),
 * so all records of a ref are read back in append order with a single-subject filter.
 */
export async function appendRecord(deps: HistoryDeps, entry: HistoryRecord): Promise<void> {
  const body = new TextEncoder().encode(JSON.stringify(entry));
  await deps.cork(() =>
    deps.js.publish(deps.names.historySubject(entry.ref), body, {
      timeout: deps.timeoutMs,
      expect: { streamName: deps.names.historyStream },
    }),
  );
}

/** Records of a ref read one by one before one ephemeral consumer reads the rest. */
const DIRECT_READS = 8;

/**
 * Retention carries a kept ref's old records to the stream's tail (nats-history-retention.ts): each
 * copy names the seq it copies. A copy of a record already read is a repeat (the original is not
 * purged yet, or a carry stopped half-way); a copy after the last seq seen at the start means the
 * originals went while this read ran, so the read goes on through the copies.
 */
export const COPY_HEADER = 'Hookhub-Copy-Of';

/** The seq a carried record copies, or undefined for an original record. */
export function copyOf(headers: MsgHdrs | undefined): number | undefined {
  const value = headers?.get(COPY_HEADER);
  return value ? Number(value) : undefined;
}

interface StoredRecord {
  seq: number;
  headers: MsgHdrs | undefined;
}

/** Reads a ref's records in seq order, skipping repeated copies; `take` says whether to read on. */
export function recordReader(lastSeq: number) {
  const seen = new Set<number>();
  return {
    /** Whether `msg` is a record to keep (not a repeat, not past the end); `more` whether to read on. */
    take(msg: StoredRecord): { keep: boolean; more: boolean } {
      const copied = copyOf(msg.headers);
      if (msg.seq > lastSeq && copied === undefined) return { keep: false, more: false };
      seen.add(msg.seq);
      const keep = copied === undefined || !seen.has(copied);
      return { keep, more: msg.seq !== lastSeq };
    },
  };
}

/**
 * Most refs have no record yet (every job's first delivery asks), or a few: a last-by-subject read
 * answers "none" in one request, and a few are read by subject from the stream leader. Creating an
 * ephemeral consumer per call, as a longer history needs, costs the server far more at hundreds per second.
 */
export async function readRecords(deps: HistoryDeps, ref: string): Promise<HistoryRecord[]> {
  const stream = deps.names.historyStream;
  const subject = deps.names.historySubject(ref);
  const last = await deps.cork(() => deps.jsm.streams.getMessage(stream, { last_by_subj: subject }));
  if (last === null) return [];
  const out: HistoryRecord[] = [];
  const reader = recordReader(last.seq);
  const take = (msg: StoredRecord & { json<T>(): T }): boolean => {
    const { keep, more } = reader.take(msg);
    const record = keep ? msg.json<HistoryRecord>() : undefined;
    // sha256 collisions are not a practical concern, but a ref mismatch must never leak a record.
    if (record?.ref === ref) out.push(record);
    return more;
  };
  let seq = 1;
  for (let i = 0; i < DIRECT_READS; i++) {
    // The server takes `next_by_subj` on a message get; the client's type lists only seq and last_by_subj.
    const next = await deps.jsm.streams.getMessage(stream, { seq, next_by_subj: subject } as unknown as { seq: number });
    if (next === null || !take({ seq: next.seq, headers: next.header, json: () => next.json() })) return out;
    seq = next.seq + 1;
  }
  for await (const msg of readRange(deps, { stream, filter: subject, startSeq: seq })) if (!take(msg)) break;
  return out;
}
