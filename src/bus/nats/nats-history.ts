import type { JetStreamClient } from '@nats-io/jetstream';
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
  const keep = (record: HistoryRecord) => {
    // sha256 collisions are not a practical concern, but a ref mismatch must never leak a record.
    if (record.ref === ref) out.push(record);
  };
  let seq = 1;
  for (let i = 0; i < DIRECT_READS; i++) {
    // The server takes `next_by_subj` on a message get; the client's type lists only seq and last_by_subj.
    const next = await deps.jsm.streams.getMessage(stream, { seq, next_by_subj: subject } as unknown as { seq: number });
    if (next === null || next.seq > last.seq) return out;
    keep(next.json<HistoryRecord>());
    if (next.seq === last.seq) return out;
    seq = next.seq + 1;
  }
  for await (const msg of readRange(deps, { stream, filter: subject, startSeq: seq })) {
    if (msg.seq > last.seq) break;
    keep(msg.json<HistoryRecord>());
  }
  return out;
}
