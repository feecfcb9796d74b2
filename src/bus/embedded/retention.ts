/**
 * Retention: messages and records older than `retentionMs` go, dedup keys older than the
 * dedup horizon go, but a message some consumer has not finished (beyond its cursor, or
 * still leased) is kept whatever its age, and so is every message of a stream no consumer
 * has read yet; so are the records of such a job and of a job with a dead letter. Deletes run in bounded chunks so one pass never holds the write lock for
 * long. A message is its own dedup key, so one removed within the dedup horizon (a
 * retention shorter than 24 h) leaves its id and content key in `dedup`.
 */
import type { Database } from 'better-sqlite3';
import { contentStream } from './message-store.ts';
import type { StoreAccess } from './store-access.ts';

const CHUNK = 5_000;

export interface RetentionPass {
  /** Starts a pass: the walk over old records begins again at the oldest. */
  begin(): void;
  /** Inside a write transaction: one chunk of each kind; the rows deleted, and whether a chunk is still due. */
  prune(now: number): { deleted: number; more: boolean };
}

/** The last old record a pass has looked at, in the order of the records_created index. */
interface RecordCursor {
  created: number;
  id: number;
}

export function createRetention(db: Database, retentionMs: number, dedupHorizonMs: number, chunkSize = CHUNK): RetentionPass {
  // The lowest seq any consumer of the stream still needs: its oldest lease, else cursor + 1. A stream
  // no consumer has read yet needs all of it (0): its router or workers have not started.
  const safeSeq = `COALESCE((SELECT MIN(COALESCE(
      (SELECT MIN(l.seq) FROM leases l WHERE l.stream = c.stream AND l.consumer = c.name),
      c.cursor + 1)) FROM consumers c WHERE c.stream = ?), 0)`;
  // The same chunk in each statement: they run in one transaction, and the subquery is ordered.
  // By time, so that it walks the (stream, time) index over old messages only: ordered by seq it
  // scanned the whole stream every pass when few were old (17 ms per statement at 200,000 messages).
  const chunk = `seq IN (SELECT seq FROM messages WHERE stream = ? AND time < ? AND seq < ${safeSeq} ORDER BY time, seq LIMIT ${chunkSize})`;
  const keepIds = db.prepare(
    `INSERT OR REPLACE INTO dedup (stream, id, time)
       SELECT stream, id, MAX(time) FROM messages WHERE ${chunk} AND time >= ? GROUP BY stream, id`,
  );
  const keepContent = db.prepare(
    `INSERT OR REPLACE INTO dedup (stream, id, time)
       SELECT ?, content_key, MAX(time) FROM messages WHERE ${chunk} AND time >= ? AND content_key IS NOT NULL GROUP BY content_key`,
  );
  const messages = db.prepare(`DELETE FROM messages WHERE ${chunk}`);
  const records = createRecordPruning(db, safeSeq, chunkSize);
  const dedup = db.prepare(`DELETE FROM dedup WHERE (stream, id) IN (SELECT stream, id FROM dedup WHERE time < ? LIMIT ${chunkSize})`);
  return {
    begin() {
      records.begin();
    },
    prune(now) {
      const cutoff = now - retentionMs;
      const horizon = now - dedupHorizonMs;
      let deleted = 0;
      for (const stream of ['events', 'jobs']) {
        keepIds.run(stream, cutoff, stream, horizon);
        keepContent.run(contentStream(stream), stream, cutoff, stream, horizon);
        deleted += messages.run(stream, cutoff, stream).changes;
      }
      deleted += records.prune(cutoff);
      deleted += dedup.run(now - dedupHorizonMs).changes;
      return { deleted, more: deleted > 0 || records.walking() };
    },
  };
}

/**
 * A job's records go only once the job is finished: the worker reads them back for its attempt count,
 * an earlier success and its dead letter (src/actions/runtime/process-delivery.ts). So not while its
 * message is one retention keeps for a consumer (at or above the jobs' safe seq), nor while it has a
 * dead letter. Kept records are the oldest and stay for days, so a chunk looks at the next `chunkSize`
 * old records after the pass's cursor, kept or not, and never walks again over those it has passed.
 */
function createRecordPruning(db: Database, safeSeq: string, chunkSize: number) {
  const after = 'r.created >= @fromCreated AND (r.created > @fromCreated OR r.rowid > @fromId)';
  const upTo = 'r.created <= @toCreated AND (r.created < @toCreated OR r.rowid <= @toId)';
  const recordsBound = db.prepare(
    `SELECT r.created, r.rowid AS id FROM records r WHERE ${after} AND r.created < @cutoff ORDER BY r.created, r.rowid LIMIT 1 OFFSET ${chunkSize - 1}`,
  );
  const records = db.prepare(
    `DELETE FROM records WHERE rowid IN (SELECT r.rowid FROM records r WHERE ${after} AND ${upTo}
       AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.id = r.ref)
       AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.stream = 'jobs' AND m.id = r.ref AND m.seq >= ${safeSeq.replace('?', "'jobs'")}))`,
  );
  const start: RecordCursor = { created: Number.MIN_SAFE_INTEGER, id: 0 };
  let cursor: RecordCursor | undefined = start;
  return {
    /** A new pass: the walk begins again at the oldest record. */
    begin() {
      cursor = start;
    },
    /** One chunk of old records; leaves the cursor after it, or undefined once the pass has looked at them all. */
    prune(cutoff: number): number {
      if (!cursor) return 0;
      const from = { fromCreated: cursor.created, fromId: cursor.id };
      const bound = recordsBound.get({ ...from, cutoff }) as RecordCursor | undefined;
      // Stored times are whole milliseconds: the last chunk ends with the last record before the cutoff.
      const to = bound ?? { created: cutoff - 1, id: Number.MAX_SAFE_INTEGER };
      cursor = bound;
      return records.run({ ...from, toCreated: to.created, toId: to.id }).changes;
    },
    /** The pass has old records left to look at. */
    walking: () => cursor !== undefined,
  };
}

/** Runs one pass now, a chunk per write transaction, until nothing more is due or the store closes; the rows deleted. */
export async function pruneInChunks(retention: RetentionPass, access: StoreAccess, nowMs: () => number): Promise<number> {
  retention.begin();
  let total = 0;
  for (;;) {
    const { deleted, more } = await access.write(() => retention.prune(nowMs()));
    total += deleted;
    if (!more || access.isClosed()) return total;
  }
}
