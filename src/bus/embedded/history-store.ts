/** History records (rule outcomes, attempts) and the dead-letter queue. */
import type { Database } from 'better-sqlite3';
import { decodeDeadLetterCursor, encodeDeadLetterCursor } from '../dead-letter-cursor.ts';
import type { DeadLetter, DeadLetterPage, HistoryRecord, RecordCount, RecordCountQuery, RecordRangeQuery } from '../event-bus.ts';
import { createRecordSlices, type RecordCursor, type RecordSlice } from './record-slices.ts';

export interface HistoryStore {
  /** Inside a write transaction. */
  addRecord(entry: HistoryRecord, now: number): void;
  records(ref: string): HistoryRecord[];
  /** One aggregate over the records stored in the range (by `created`, the store's clock). */
  countRecords(query: RecordCountQuery): RecordCount[];
  /** One slice of the records stored in the range, newest first below `before`, by the `created` index (record-slices.ts). */
  recordSlice(query: RecordRangeQuery, before?: RecordCursor): RecordSlice;
  /** Inside a write transaction; a second dead letter for the same id replaces the first. */
  addDeadLetter(entry: DeadLetter): void;
  deadLetters(since: Date | undefined, limit: number): DeadLetter[];
  getDeadLetter(id: string): DeadLetter | undefined;
  /** Newest first by (time, id), a keyset page: no row before the cursor is read. */
  deadLetterPage(since: Date | undefined, cursor: string | undefined, limit: number): DeadLetterPage;
  /** Inside a write transaction; with `time`, only the letter dead-lettered then. */
  takeDeadLetter(id: string, time?: string): DeadLetter | undefined;
  countDeadLetters(): number;
  purgeDeadLetters(beforeMs: number): number;
}

interface RecordRow {
  ref: string;
  kind: string;
  time: string;
  data: string;
}

interface DeadLetterRow {
  id: string;
  subject: string;
  payload: string;
  reason: string;
  time: string;
  attempts: string;
}

const DEAD_LETTER_COLUMNS = 'id, subject, payload, reason, time, attempts';

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    subject: row.subject,
    payload: JSON.parse(row.payload) as unknown,
    reason: row.reason,
    time: row.time,
    attempts: JSON.parse(row.attempts) as unknown[],
  };
}

export function createHistoryStore(db: Database): HistoryStore {
  return { ...createRecordQueries(db), ...createDeadLetterQueries(db) };
}

type RecordQueries = Pick<HistoryStore, 'addRecord' | 'records' | 'countRecords' | 'recordSlice'>;
type DeadLetterQueries = Omit<HistoryStore, keyof RecordQueries>;

function createRecordQueries(db: Database): RecordQueries {
  const insertRecord = db.prepare('INSERT INTO records (ref, kind, time, created, data) VALUES (?, ?, ?, ?, ?)');
  const selectRecords = db.prepare('SELECT ref, kind, time, data FROM records WHERE ref = ? ORDER BY rowid');
  const countByKind = db.prepare(
    `SELECT @since + CAST((created - @since) / @bucket AS INTEGER) * @bucket AS start, kind,
            CASE WHEN json_type(data, '$.outcome') = 'text' THEN json_extract(data, '$.outcome') END AS outcome, COUNT(*) AS count
       FROM records WHERE created >= @since AND created < @until AND kind IN (SELECT value FROM json_each(@kinds)) GROUP BY 1, 2, 3`,
  );
  const recordSlice = createRecordSlices(db);
  return {
    addRecord(entry, now) {
      insertRecord.run(entry.ref, entry.kind, entry.time, now, JSON.stringify(entry.data));
    },
    records(ref) {
      const rows = selectRecords.all(ref) as RecordRow[];
      return rows.map((r) => ({ ref: r.ref, kind: r.kind, time: r.time, data: JSON.parse(r.data) as Record<string, unknown> }));
    },
    countRecords(query) {
      const since = query.since.getTime();
      const rows = countByKind.all({
        since,
        until: query.until.getTime(),
        bucket: Math.max(1, Math.round(query.bucketMs)),
        kinds: JSON.stringify(query.kinds),
      }) as (RecordCount & { outcome: string | null })[];
      return rows.map(({ outcome, ...count }) => (outcome === null ? count : { ...count, outcome }));
    },
    recordSlice,
  };
}

function createDeadLetterQueries(db: Database): DeadLetterQueries {
  const upsertDead = db.prepare(`INSERT OR REPLACE INTO dead_letters (${DEAD_LETTER_COLUMNS}, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const selectDead = db.prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE time_ms >= ? ORDER BY time_ms, rowid LIMIT ?`);
  // Ids only: SQLite sorts every letter the range holds for this ORDER BY, and a sort that carried the
  // letters (each a whole job and its attempts) read them all for a page of one.
  const pageDead = db
    .prepare(
      `SELECT id FROM dead_letters WHERE time_ms >= ? AND (time_ms < ? OR (time_ms = ? AND id < ?))
       ORDER BY time_ms DESC, id DESC LIMIT ?`,
    )
    .pluck();
  const oneDead = db.prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE id = ?`);
  const deleteDead = db.prepare('DELETE FROM dead_letters WHERE id = ?');
  const countDead = db.prepare('SELECT COUNT(*) FROM dead_letters').pluck();
  const purgeDead = db.prepare('DELETE FROM dead_letters WHERE time_ms < ?');
  return {
    addDeadLetter(entry) {
      const payload = JSON.stringify(entry.payload) ?? 'null';
      const timeMs = Date.parse(entry.time);
      if (Number.isNaN(timeMs)) throw new TypeError(`dead letter ${entry.id}: time is not ISO 8601: ${entry.time}`);
      upsertDead.run(entry.id, entry.subject, payload, entry.reason, entry.time, JSON.stringify(entry.attempts), timeMs);
    },
    deadLetters(since, limit) {
      const rows = selectDead.all(since?.getTime() ?? Number.MIN_SAFE_INTEGER, limit) as DeadLetterRow[];
      return rows.map(toDeadLetter);
    },
    getDeadLetter(id) {
      const row = oneDead.get(id) as DeadLetterRow | undefined;
      return row ? toDeadLetter(row) : undefined;
    },
    deadLetterPage(since, cursor, limit) {
      const from = cursor === undefined ? { timeMs: Number.MAX_SAFE_INTEGER, id: '' } : decodeDeadLetterCursor(cursor);
      const ids = pageDead.all(since?.getTime() ?? Number.MIN_SAFE_INTEGER, from.timeMs, from.timeMs, from.id, limit + 1) as string[];
      return toDeadLetterPage(ids, limit, (id) => oneDead.get(id) as DeadLetterRow | undefined);
    },
    purgeDeadLetters(beforeMs) {
      return purgeDead.run(beforeMs).changes;
    },
    countDeadLetters() {
      return countDead.get() as number;
    },
    takeDeadLetter(id, time) {
      const row = oneDead.get(id) as DeadLetterRow | undefined;
      if (!row || (time !== undefined && row.time !== time)) return undefined;
      deleteDead.run(id);
      return toDeadLetter(row);
    },
  };
}

/** A page of at most `limit` letters from the ids read (one more than `limit` when there is a next page). */
function toDeadLetterPage(ids: string[], limit: number, readRow: (id: string) => DeadLetterRow | undefined): DeadLetterPage {
  const rows = ids.slice(0, limit).map(readRow);
  const letters = rows.filter((row) => row !== undefined).map(toDeadLetter);
  const last = letters[letters.length - 1];
  return { letters, ...(ids.length > limit && last ? { next: encodeDeadLetterCursor(last) } : {}) };
}
