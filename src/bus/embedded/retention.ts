/**
 * Retention: messages and records older than `retentionMs` go, dedup keys older than the
 * dedup horizon go, but a message some consumer has not finished (beyond its cursor, or
 * still leased) is kept whatever its age. Deletes run in bounded chunks so one pass never
 * holds the write lock for long.
 */
import type { Database } from 'better-sqlite3';

const CHUNK = 5_000;

export interface RetentionPass {
  /** Inside a write transaction: delete one chunk of each kind; returns rows deleted. */
  prune(now: number): number;
}

export function createRetention(db: Database, retentionMs: number, dedupHorizonMs: number): RetentionPass {
  // The lowest seq any consumer of the stream still needs: its oldest lease, else cursor + 1.
  const safeSeq = `COALESCE((SELECT MIN(COALESCE(
      (SELECT MIN(l.seq) FROM leases l WHERE l.stream = c.stream AND l.consumer = c.name),
      c.cursor + 1)) FROM consumers c WHERE c.stream = ?), 9223372036854775807)`;
  const messages = db.prepare(
    `DELETE FROM messages WHERE seq IN (
       SELECT seq FROM messages WHERE stream = ? AND time < ? AND seq < ${safeSeq} ORDER BY seq LIMIT ${CHUNK})`,
  );
  const records = db.prepare(`DELETE FROM records WHERE rowid IN (SELECT rowid FROM records WHERE created < ? LIMIT ${CHUNK})`);
  const dedup = db.prepare(`DELETE FROM dedup WHERE (stream, id) IN (SELECT stream, id FROM dedup WHERE time < ? LIMIT ${CHUNK})`);
  return {
    prune(now) {
      const cutoff = now - retentionMs;
      let deleted = 0;
      for (const stream of ['events', 'jobs']) deleted += messages.run(stream, cutoff, stream).changes;
      deleted += records.run(cutoff).changes;
      deleted += dedup.run(now - dedupHorizonMs).changes;
      return deleted;
    },
  };
}
