/**
 * Retention for the history stream. Its records are one subject per ref (nats-history.ts), and the
 * worker reads a job's records back for its attempt count, an earlier success and its dead letter
 * (src/actions/runtime/process-delivery.ts), so the stream has no `max_age`: this sweep deletes the
 * records stored before the cutoff except those of a job that is unfinished (above some durable
 * consumer's ack floor, or in a stream no durable consumer has read yet) or has a dead letter.
 * A job published after the cutoff needs none of its old records: they precede its replay, and
 * losing a ref's oldest records leaves the replay and the cycle after it.
 *
 * A kept ref's old records are carried to the tail (nats-history-carry.ts), then one purge from the
 * front deletes the rest: requests per pass grow with the kept refs, never with all refs. Records are
 * only ever read by ref, in order, and carry their own time, so a copy's newer stored time only keeps
 * it one more retention period. Uses nothing newer than nats-server 2.9.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { carryForward, firstRecord } from './nats-history-carry.ts';
import { hashKey } from './nats-names.ts';
import { readRange } from './nats-read.ts';
import { firstStoredAfter, firstUnfinished } from './nats-retention.ts';

/** Stored times come from each stream's leader: allow for clocks apart in a cluster. */
const CLOCK_SKEW_MS = 60_000;

export interface HistorySweep {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The history stream, and the subject of a ref's records from its hashKey (`<prefix>.history.<key>`). */
  history: { stream: string; subject(key: string): string };
  /** The jobs stream and its filter. */
  jobs: { stream: string; filter: string };
  /** The dead-letter bucket: its keys are hashKey(job id), the last token of the job's history subject. */
  deadLetters: KV;
  /**
   * Per kept ref, the sequence of its oldest record when last looked at (or the stream's next one, for a
   * ref with none). Records are only appended, so it has nothing before that place and needs no look until
   * the cutoff's place passes it. Sequences, not stored times: those come from whichever server led, and
   * the cutoff's place is found by time, so a time skipped against a skewed clock could let the front purge
   * take a kept record. Kept across passes by the bus.
   */
  oldestSeq: Map<string, number>;
}

/** Deletes the records stored before `cutoffMs` that no unfinished job needs; returns how many went (carried ones stay). */
export async function sweepHistory(deps: HistorySweep, cutoffMs: number): Promise<number> {
  const { stream } = deps.history;
  const { first_seq: first, last_seq: last, messages } = (await deps.jsm.streams.info(stream)).state;
  if (messages === 0) return 0;
  const end = await firstStoredAfter(deps.jsm, stream, first, last, cutoffMs);
  if (end <= first) return 0;
  let keepFrom = end;
  for (const key of await keptRefs(deps, cutoffMs)) {
    if ((deps.oldestSeq.get(key) ?? -Infinity) >= end) continue;
    const subject = deps.history.subject(key);
    const oldest = await firstRecord(deps, stream, subject, first);
    if (oldest === undefined || oldest.seq >= end) {
      // A ref with no record yet gets its first one after the stream's last message.
      deps.oldestSeq.set(key, oldest?.seq ?? last + 1);
      continue;
    }
    // Carried, its oldest record is a copy whose place the next pass reads.
    deps.oldestSeq.delete(key);
    // A record written meanwhile stopped the carry: the ref stays in place, and the next pass tries again.
    if (!(await carryForward(deps, stream, subject))) keepFrom = Math.min(keepFrom, oldest.seq);
  }
  return keepFrom > first ? (await deps.jsm.streams.purge(stream, { seq: keepFrom })).purged : 0;
}

/** The history subject tokens (hashKey of the ref) whose old records stay. */
async function keptRefs(deps: HistorySweep, cutoffMs: number): Promise<Set<string>> {
  const kept = new Set<string>();
  for await (const key of await deps.deadLetters.keys()) kept.add(key);
  for await (const id of oldUnfinishedJobs(deps, cutoffMs + CLOCK_SKEW_MS)) kept.add(hashKey(id));
  for (const key of deps.oldestSeq.keys()) if (!kept.has(key)) deps.oldestSeq.delete(key);
  return kept;
}

/** The ids of the jobs stored before `beforeMs` that some durable consumer may not have finished. */
async function* oldUnfinishedJobs(deps: HistorySweep, beforeMs: number): AsyncGenerator<string> {
  const { stream, filter } = deps.jobs;
  const { first_seq: first, last_seq: last, messages } = (await deps.jsm.streams.info(stream)).state;
  const from = Math.max(await firstUnfinished(deps.jsm, stream), first);
  if (messages === 0 || from > last) return;
  const to = await firstStoredAfter(deps.jsm, stream, from, last, beforeMs);
  if (to <= from) return;
  for await (const msg of readRange(deps, { stream, filter, startSeq: from })) {
    if (msg.seq >= to) return;
    // The id travels in the envelope's body (nats-envelope.ts): the subject has only a hash of it.
    yield msg.json<{ id: string }>().id;
  }
}
