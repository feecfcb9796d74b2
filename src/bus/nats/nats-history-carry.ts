/**
 * Carries one ref's history records to the tail of the history stream, so that the retention sweep
 * can purge the front in one request (nats-history-retention.ts). Each copy names the seq it copies
 * (COPY_HEADER) and expects the subject's previous seq, so a record a worker writes meanwhile stops
 * the carry, and a reader never counts a record twice, even if a carry stops half-way.
 */
import { headers } from '@nats-io/transport-node';
import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { COPY_HEADER, recordReader } from './nats-history.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { readRange, type ReadDeps } from './nats-read.ts';

/** The seq of the subject's first record at or after `from`, or undefined if it has none. */
export async function firstRecord(
  deps: { jsm: JetStreamManager },
  stream: string,
  subject: string,
  from: number,
): Promise<{ seq: number } | undefined> {
  // The server takes `next_by_subj` on a message get; the client's type lists only seq and last_by_subj.
  const next = await deps.jsm.streams.getMessage(stream, { seq: from, next_by_subj: subject } as unknown as { seq: number });
  return next === null ? undefined : { seq: next.seq };
}

/**
 * Copies the subject's records, in order, to the tail, then purges the originals with one filtered
 * purge. False when a record arrived meanwhile: the copies made are deleted and the originals stay.
 */
export async function carryForward(deps: ReadDeps, stream: string, subject: string): Promise<boolean> {
  const last = await deps.jsm.streams.getMessage(stream, { last_by_subj: subject });
  if (last === null) return true;
  const records = await readOriginals(deps, stream, subject, last.seq);
  const copies: number[] = [];
  try {
    for (const record of records) {
      const ack = await deps.js.publish(subject, record.data, {
        headers: copyHeaders(record.seq),
        expect: { streamName: stream, lastSubjectSequence: copies.at(-1) ?? last.seq },
      });
      copies.push(ack.seq);
    }
  } catch (err) {
    // Best effort: a copy left behind repeats a record its reader has already read, and is skipped.
    for (const seq of copies) await deps.jsm.streams.deleteMessage(stream, seq, false).catch(() => undefined);
    if (isWrongLast(err) || isWrongLast((err as { cause?: unknown }).cause)) return false;
    throw err;
  }
  if (copies.length > 0) await deps.jsm.streams.purge(stream, { filter: subject, seq: copies[0] });
  return true;
}

/** The subject's records up to `lastSeq`, without the copies a stopped carry left behind. */
async function readOriginals(deps: ReadDeps, stream: string, subject: string, lastSeq: number): Promise<JsMsg[]> {
  const reader = recordReader(lastSeq);
  const out: JsMsg[] = [];
  for await (const msg of readRange(deps, { stream, filter: subject })) {
    const { keep, more } = reader.take(msg);
    if (keep) out.push(msg);
    if (!more) break;
  }
  return out;
}

function copyHeaders(seq: number) {
  const h = headers();
  h.set(COPY_HEADER, String(seq));
  return h;
}

function isWrongLast(err: unknown): boolean {
  return hasNatsCode(err, NatsErrorCodes.StreamWrongLastSequence);
}
