/**
 * Retention for the history stream. Its records are one subject per ref (nats-history.ts), and the
 * worker reads a job's records back for its attempt count, an earlier success and its dead letter
 * (src/actions/runtime/process-delivery.ts), so the stream has no `max_age`: this sweep deletes the
 * records stored before the cutoff except those of a job that is unfinished (above some durable
 * consumer's ack floor, or in a stream no durable consumer has read yet) or has a dead letter.
 * A job published after the cutoff needs none of its old records: they precede its replay, and
 * losing a ref's oldest records leaves the replay and the cycle after it.
 * Without such jobs it is one purge from the front; with them, one purge up to the first kept record,
 * then one per other ref with old records behind it. Uses nothing newer than nats-server 2.9.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { hashKey } from './nats-names.ts';
import { readRange } from './nats-read.ts';
import { firstStoredAfter, firstUnfinished } from './nats-retention.ts';

/** Stored times come from each stream's leader: allow for clocks apart in a cluster. */
const CLOCK_SKEW_MS = 60_000;

export interface HistorySweep {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The history stream and its filter (`<prefix>.history.>`). */
  history: { stream: string; filter: string };
  /** The jobs stream and its filter. */
  jobs: { stream: string; filter: string };
  /** The dead-letter bucket: its keys are hashKey(job id), the last token of the job's history subject. */
  deadLetters: KV;
}

/** Deletes the records stored before `cutoffMs` that no unfinished job needs; returns how many went. */
export async function sweepHistory(deps: HistorySweep, cutoffMs: number): Promise<number> {
  const { stream } = deps.history;
  const { first_seq: first, last_seq: last, messages } = (await deps.jsm.streams.info(stream)).state;
  if (messages === 0) return 0;
  const end = await firstStoredAfter(deps.jsm, stream, first, last, cutoffMs);
  if (end <= first) return 0;
  const kept = await keptRefs(deps, cutoffMs);
  if (kept.size === 0) return (await deps.jsm.streams.purge(stream, { seq: end })).purged;
  const { keepFrom, doomed } = await planAround(deps, first, end, kept);
  let purged = keepFrom > first ? (await deps.jsm.streams.purge(stream, { seq: keepFrom })).purged : 0;
  for (const subject of doomed) purged += (await deps.jsm.streams.purge(stream, { filter: subject, seq: end })).purged;
  return purged;
}

/** The history subject tokens (hashKey of the ref) whose old records stay. */
async function keptRefs(deps: HistorySweep, cutoffMs: number): Promise<Set<string>> {
  const kept = new Set<string>();
  for await (const key of await deps.deadLetters.keys()) kept.add(key);
  for await (const id of oldUnfinishedJobs(deps, cutoffMs + CLOCK_SKEW_MS)) kept.add(hashKey(id));
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

/**
 * Reads the old records [first, end) once: the front can go up to the first record of a kept ref
 * (`keepFrom`); behind it, the old records of every other ref go subject by subject (`doomed`).
 */
async function planAround(
  deps: HistorySweep,
  first: number,
  end: number,
  kept: ReadonlySet<string>,
): Promise<{ keepFrom: number; doomed: Set<string> }> {
  let keepFrom = end;
  const doomed = new Set<string>();
  for await (const msg of readRange(deps, { stream: deps.history.stream, filter: deps.history.filter, startSeq: first })) {
    if (msg.seq >= end) break;
    if (kept.has(msg.subject.slice(msg.subject.lastIndexOf('.') + 1))) keepFrom = Math.min(keepFrom, msg.seq);
    else if (keepFrom < end) doomed.add(msg.subject);
  }
  return { keepFrom, doomed };
}
