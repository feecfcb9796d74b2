/**
 * A range of history records read newest first in slices of SLICE_ROWS rows, with the event loop let go
 * between slices: SQLite runs on the hub's one thread, so one read of a busy day's 50,000 attempts
 * (the channels chart) would hold webhooks and /healthz for as long as it takes.
 */
import type { Database } from 'better-sqlite3';
import type { HistoryRecord, RecordRange, RecordRangeQuery } from '../event-bus.ts';

/** Rows of any kind one slice reads at most: about 1.5 ms here (3 µs a row), so the work between two yields stays small. */
export const SLICE_ROWS = 500;

/** Where the next slice goes on from: the records below this (created, rowid), by the `created` index. */
export interface RecordCursor {
  created: number;
  rowid: number;
}

export interface RecordSlice {
  /** The records of the wanted kinds, newest first. */
  records: HistoryRecord[];
  /** Set while older rows of the range may remain. */
  next?: RecordCursor;
}

interface SliceRow {
  rowid: number;
  created: number;
  ref: string;
  kind: string;
  time: string;
  /** NULL for a record of a kind not asked for: its data is not read out. */
  data: string | null;
}

/**
 * One slice: at most SLICE_ROWS rows of the range below `before`, whatever their kind, so the rows of
 * other kinds (rule outcomes) count against the bound too.
 */
export function createRecordSlices(db: Database): (query: RecordRangeQuery, before?: RecordCursor) => RecordSlice {
  const statement = db.prepare(
    `SELECT rowid, created, ref, kind, time, CASE WHEN kind IN (SELECT value FROM json_each(@kinds)) THEN data END AS data
       FROM records WHERE created >= @since AND (created, rowid) < (@created, @rowid)
      ORDER BY created DESC, rowid DESC LIMIT ${SLICE_ROWS}`,
  );
  return (query, before) => {
    const rows = statement.all({
      since: query.since.getTime(),
      kinds: JSON.stringify(query.kinds),
      // No rowid is below 0: the first slice starts just under `until`.
      ...(before ?? { created: query.until.getTime(), rowid: 0 }),
    }) as SliceRow[];
    const records: HistoryRecord[] = [];
    for (const r of rows)
      if (r.data !== null) records.push({ ref: r.ref, kind: r.kind, time: r.time, data: JSON.parse(r.data) as Record<string, unknown> });
    const last = rows[rows.length - 1];
    return { records, ...(rows.length === SLICE_ROWS && last ? { next: { created: last.created, rowid: last.rowid } } : {}) };
  };
}

/** The newest `limit` records of a range (RecordRange), a slice at a time, yielding to other work in between. */
export async function readRecordRange(readSlice: (before?: RecordCursor) => RecordSlice, limit: number): Promise<RecordRange> {
  const bound = Math.max(0, Math.floor(limit));
  const newest: HistoryRecord[] = [];
  let before: RecordCursor | undefined;
  for (let slices = 0; ; slices++) {
    if (slices > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const slice = readSlice(before);
    for (const record of slice.records) {
      if (newest.length === bound) return { records: newest.reverse(), truncated: true };
      newest.push(record);
    }
    if (slice.next === undefined) return { records: newest.reverse(), truncated: false };
    before = slice.next;
  }
}
