/**
 * Durable consumer state. A consumer's `cursor` is the highest seq it was ever handed;
 * `leases` hold the messages at or below it that are not finished (acked or termed).
 * A lease is invisible until `visible_at`; delivering it again bumps `count`.
 * Work found per fetch is proportional to pending messages, not to the stream's history.
 */
import type { Database } from 'better-sqlite3';
import type { StreamName } from '../event-bus.ts';
import type { MessageRow } from './message-store.ts';

export interface LeasedRow extends MessageRow {
  count: number;
}

/** What one lease handed out, and how many messages it finished unread (turned down by `wants`). */
export interface Leased {
  rows: LeasedRow[];
  skipped: number;
  /** It stopped at a bound (SKIP_SCAN, or `max` due redeliveries): more may be waiting, so lease again at once. */
  more: boolean;
}

export interface ConsumerRef {
  stream: StreamName;
  consumer: string;
}

export interface LeaseStore {
  /** Cheap read: is anything due or new for this consumer? (Avoids a write transaction when idle.) */
  hasWork(ref: ConsumerRef, now: number): boolean;
  /**
   * Inside a write transaction: lease up to `max` messages (due redeliveries first, then new).
   * Those whose subject `wants` turns down are finished instead, their payload unread; at most
   * SKIP_SCAN of them per call, so a long run of them is finished over several calls.
   */
  lease(ref: ConsumerRef, max: number, now: number, ackWaitMs: number, wants?: (subject: string) => boolean): Leased;
  /** Finished (ack or term): forget the lease, whichever delivery it was. */
  finish(ref: ConsumerRef, seq: number): void;
  /** Make delivery `count` visible again at `visibleAt` (nak, or working() extends it). */
  postpone(ref: ConsumerRef, seq: number, count: number, visibleAt: number): void;
  /** Read only: every seq up to the answer is finished (below the oldest lease, else the cursor). */
  finishedThrough(ref: ConsumerRef): number;
  /** Read only: messages never handed out plus leases that are due, and the oldest one's store time. */
  pending(ref: ConsumerRef, now: number): { count: number; oldestMs?: number };
}

/** The most messages one lease finishes unread, so that one call's transaction stays short. */
const SKIP_SCAN = 512;

const takesAll = (): boolean => true;

export function createLeaseStore(db: Database): LeaseStore {
  return { ...createLeasing(db), ...createLeaseReads(db) };
}

/** The writes, each inside a write transaction: leasing, finishing and postponing. */
function createLeasing(db: Database): Pick<LeaseStore, 'lease' | 'finish' | 'postpone'> {
  const sql = prepareLeasing(db);
  // Inside the lease's write transaction. A consumer's row, once made, is never removed.
  const cursor = ({ stream, consumer }: ConsumerRef): number => {
    const known = sql.cursorOf.get(stream, consumer) as number | undefined;
    if (known !== undefined) return known;
    sql.ensure.run(stream, consumer);
    return 0;
  };
  return {
    lease(ref, max, now, ackWaitMs, wants = takesAll) {
      const leased: Leased = { rows: [], skipped: 0, more: false };
      const terms = { max, now, until: now + ackWaitMs, wants };
      const dueRows = leaseDue(sql, ref, terms, leased);
      leaseFresh(sql, ref, cursor(ref), terms, leased);
      return { rows: leased.rows, skipped: leased.skipped, more: leased.skipped >= SKIP_SCAN || dueRows === max };
    },
    finish(ref, seq) {
      sql.forget.run(ref.stream, ref.consumer, seq);
    },
    postpone(ref, seq, count, visibleAt) {
      sql.delay.run(visibleAt, ref.stream, ref.consumer, seq, count);
    },
  };
}

function prepareLeasing(db: Database) {
  return {
    ensure: db.prepare('INSERT OR IGNORE INTO consumers (stream, name, cursor) VALUES (?, ?, 0)'),
    cursorOf: db.prepare('SELECT cursor FROM consumers WHERE stream = ? AND name = ?').pluck(),
    anyDue: db.prepare('SELECT 1 FROM leases WHERE stream = ? AND consumer = ? AND visible_at <= ? LIMIT 1').pluck(),
    due: db.prepare(
      `SELECT l.count + 1 AS count, m.seq, m.id, m.subject, m.time, m.payload
       FROM leases l JOIN messages m ON m.seq = l.seq
       WHERE l.stream = ? AND l.consumer = ? AND l.visible_at <= ?
       ORDER BY l.visible_at, l.seq LIMIT ?`,
    ),
    redeliver: db.prepare('UPDATE leases SET count = count + 1, visible_at = ? WHERE stream = ? AND consumer = ? AND seq = ?'),
    // The scan reads what `wants` needs; the rest (a large payload spills onto overflow pages) only for the messages leased.
    fresh: db.prepare('SELECT seq, subject FROM messages WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?'),
    restOf: db.prepare('SELECT id, time, payload FROM messages WHERE seq = ?'),
    grant: db.prepare('INSERT INTO leases (stream, consumer, seq, count, visible_at) VALUES (?, ?, ?, 1, ?)'),
    advance: db.prepare('UPDATE consumers SET cursor = ? WHERE stream = ? AND name = ?'),
    forget: db.prepare('DELETE FROM leases WHERE stream = ? AND consumer = ? AND seq = ?'),
    delay: db.prepare('UPDATE leases SET visible_at = ? WHERE stream = ? AND consumer = ? AND seq = ? AND count = ?'),
  };
}

type LeasingStatements = ReturnType<typeof prepareLeasing>;

/** What one lease call may take: up to `max` messages, invisible to others `until`, those `wants` keeps. */
interface LeaseTerms {
  max: number;
  now: number;
  until: number;
  wants: (subject: string) => boolean;
}

/** Due redeliveries first: each is delivered again, or finished when `wants` turns it down. Returns how many were due. */
function leaseDue(sql: LeasingStatements, { stream, consumer }: ConsumerRef, terms: LeaseTerms, leased: Leased): number {
  const { max, now, until, wants } = terms;
  // The join costs about 10 µs even when it finds nothing; most leases have nothing due.
  const dueRows = sql.anyDue.get(stream, consumer, now) === undefined ? [] : (sql.due.all(stream, consumer, now, max) as LeasedRow[]);
  for (const row of dueRows) {
    if (wants(row.subject)) {
      sql.redeliver.run(until, stream, consumer, row.seq);
      leased.rows.push(row);
    } else {
      sql.forget.run(stream, consumer, row.seq);
      leased.skipped += 1;
    }
  }
  return dueRows.length;
}

/** Then new messages after the cursor `start`, up to `max` in all; moves the cursor past those it looked at. */
function leaseFresh(sql: LeasingStatements, { stream, consumer }: ConsumerRef, start: number, terms: LeaseTerms, leased: Leased): void {
  const { max, until, wants } = terms;
  const { rows } = leased;
  let last = start;
  // Reads only as many new messages as are still wanted, and more only while some were turned down.
  while (rows.length < max && leased.skipped < SKIP_SCAN) {
    const wanted = max - rows.length;
    const batch = sql.fresh.all(stream, last, wanted) as Pick<LeasedRow, 'seq' | 'subject'>[];
    for (const { seq, subject } of batch) {
      last = seq;
      if (!wants(subject)) {
        leased.skipped += 1;
        continue;
      }
      sql.grant.run(stream, consumer, seq, until);
      rows.push({ seq, subject, count: 1, ...(sql.restOf.get(seq) as Pick<LeasedRow, 'id' | 'time' | 'payload'>) });
    }
    if (batch.length < wanted) break;
  }
  if (last > start) sql.advance.run(last, stream, consumer);
}

/** The reads, outside any transaction: whether there is work, what is pending, and how far a consumer has finished. */
function createLeaseReads(db: Database): Pick<LeaseStore, 'hasWork' | 'finishedThrough' | 'pending'> {
  const cursorOf = db.prepare('SELECT cursor FROM consumers WHERE stream = ? AND name = ?').pluck();
  const anyDue = db.prepare('SELECT 1 FROM leases WHERE stream = ? AND consumer = ? AND visible_at <= ? LIMIT 1').pluck();
  const anyNew = db.prepare('SELECT 1 FROM messages WHERE stream = ? AND seq > ? LIMIT 1').pluck();
  const dueCount = db.prepare(
    `SELECT COUNT(*) AS count, MIN(m.time) AS oldest FROM leases l JOIN messages m ON m.seq = l.seq
     WHERE l.stream = ? AND l.consumer = ? AND l.visible_at <= ?`,
  );
  const finishedThrough = db
    .prepare(
      `SELECT COALESCE((SELECT MIN(seq) - 1 FROM leases WHERE stream = @stream AND consumer = @consumer),
                       (SELECT cursor FROM consumers WHERE stream = @stream AND name = @consumer), 0)`,
    )
    .pluck();
  const newCount = db.prepare('SELECT COUNT(*) AS count, MIN(time) AS oldest FROM messages WHERE stream = ? AND seq > ?');
  return {
    hasWork(ref, now) {
      const known = cursorOf.get(ref.stream, ref.consumer) as number | undefined;
      if (anyNew.get(ref.stream, known ?? 0) !== undefined) return true;
      return anyDue.get(ref.stream, ref.consumer, now) !== undefined;
    },
    finishedThrough(ref) {
      return finishedThrough.get(ref) as number;
    },
    pending(ref, now) {
      const known = (cursorOf.get(ref.stream, ref.consumer) as number | undefined) ?? 0;
      const due = dueCount.get(ref.stream, ref.consumer, now) as { count: number; oldest: number | null };
      const fresh = newCount.get(ref.stream, known) as { count: number; oldest: number | null };
      const oldest = [due.oldest, fresh.oldest].filter((t): t is number => t !== null);
      return { count: due.count + fresh.count, ...(oldest.length > 0 ? { oldestMs: Math.min(...oldest) } : {}) };
    },
  };
}
