/** Messages of both streams: publish (with dedup), get, and history queries. */
import type { Database, Statement } from 'better-sqlite3';
import type { BusMessage, HistoryQuery, StoredMessage, StreamName } from '../event-bus.ts';
import { literalPrefix, matchTypeGlob } from '../../events/type-glob.ts';
import { compactContentKey } from './content-key.ts';
import type { HeadStore } from './head-store.ts';

export interface MessageRow {
  seq: number;
  id: string;
  subject: string;
  time: number;
  payload: string;
}

export interface MessageStore {
  /** Inside a write transaction: store unless (stream, id) was seen within the horizon. */
  /** `payload` is the message payload already serialized as JSON. */
  insert(stream: StreamName, message: BusMessage, payload: string, replay: boolean, now: number): boolean;
  get(stream: StreamName, id: string): StoredMessage | undefined;
  query(query: HistoryQuery): StoredMessage[];
  /** The newest seq of the stream, 0 for none: one step down the `messages_stream` index, no row read. */
  lastSeq(stream: StreamName): number;
}

/** The payload is parsed on first read: the router finishes events no rule takes without reading them. */
export function toStoredMessage(row: MessageRow): StoredMessage {
  let payload: { value: unknown } | undefined;
  return {
    id: row.id,
    subject: row.subject,
    get payload() {
      payload ??= { value: JSON.parse(row.payload) as unknown };
      return payload.value;
    },
    seq: row.seq,
    time: new Date(row.time).toISOString(),
  };
}

/** `heads` takes the head of each event stored. */
export function createMessageStore(db: Database, dedupHorizonMs: number, heads: HeadStore): MessageStore {
  // A new event writes one row: its message is the dedup index while it is kept, and retention
  // moves the keys of messages it removes early into `dedup` (src/bus/embedded/retention.ts).
  const byId = db.prepare('SELECT time FROM messages WHERE stream = ? AND id = ? ORDER BY seq DESC LIMIT 1').pluck();
  const byContent = db.prepare('SELECT time FROM messages WHERE stream = ? AND content_key = ? ORDER BY seq DESC LIMIT 1').pluck();
  const pruned = db.prepare('SELECT time FROM dedup WHERE stream = ? AND id = ?').pluck();
  const add = db.prepare('INSERT INTO messages (stream, id, subject, time, payload, content_key) VALUES (?, ?, ?, ?, ?, ?)');
  const latest = db.prepare('SELECT seq, id, subject, time, payload FROM messages WHERE stream = ? AND id = ? ORDER BY seq DESC LIMIT 1');
  const newest = db.prepare('SELECT seq FROM messages WHERE stream = ? ORDER BY seq DESC LIMIT 1').pluck();
  const search = createSearch(db);
  return {
    insert(stream, message, payload, replay, now) {
      const since = now - dedupHorizonMs;
      const recent = (time: unknown) => typeof time === 'number' && time > since;
      if (!replay && (recent(byId.get(stream, message.id)) || recent(pruned.get(stream, message.id)))) return false;
      const contentKey = replay || message.contentKey === undefined ? null : compactContentKey(message.contentKey);
      // An id's own retry was caught above: a content key seen here was stored under another id.
      if (contentKey !== null) {
        if (recent(byContent.get(stream, contentKey)) || recent(pruned.get(contentStream(stream), contentKey))) return false;
      }
      const { lastInsertRowid } = add.run(stream, message.id, message.subject, now, payload, contentKey);
      if (stream === 'events') heads.insert(Number(lastInsertRowid), message.id, message.subject, now, message.payload);
      return true;
    },
    get(stream, id) {
      const row = latest.get(stream, id) as MessageRow | undefined;
      return row ? toStoredMessage(row) : undefined;
    },
    query: search,
    lastSeq: (stream) => (newest.get(stream) as number | undefined) ?? 0,
  };
}

/** Content keys share the dedup table (and its horizon) under a name no stream has. */
export function contentStream(stream: string): string {
  return `${stream}:content`;
}

/**
 * SQL narrows by stream, cursor, time range and the glob's literal prefix; matchTypeGlob
 * finishes the job in JS, reading on in chunks until `limit` matches are found.
 */
function createSearch(db: Database): (query: HistoryQuery) => StoredMessage[] {
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  return (query) => {
    const limit = query.limit ?? 100;
    const { where, params, exact } = conditions(query);
    const chunk = exact ? limit : Math.max(limit, 200);
    const statement = prepare(`SELECT seq, id, subject, time, payload FROM messages WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`);
    const out: StoredMessage[] = [];
    let afterSeq = query.afterSeq ?? 0;
    while (out.length < limit) {
      const rows = statement.all(afterSeq, ...params, chunk) as MessageRow[];
      for (const row of rows) {
        if (exact || matchTypeGlob(query.subject ?? '**', row.subject)) out.push(toStoredMessage(row));
        if (out.length === limit) break;
      }
      const last = rows[rows.length - 1];
      if (rows.length < chunk || !last) break;
      afterSeq = last.seq;
    }
    return out;
  };
}

/** WHERE clauses after `seq > ?`; `exact` when SQL alone decides the subject match. */
function conditions(query: HistoryQuery): { where: string[]; params: unknown[]; exact: boolean } {
  const where = ['seq > ?', 'stream = ?'];
  const params: unknown[] = [query.stream];
  if (query.beforeSeq !== undefined) {
    where.push('seq < ?');
    params.push(query.beforeSeq);
  }
  if (query.since) {
    where.push('time >= ?');
    params.push(query.since.getTime());
  }
  if (query.until) {
    where.push('time < ?');
    params.push(query.until.getTime());
  }
  if (query.subject === undefined) return { where, params, exact: true };
  const prefix = literalPrefix(query.subject);
  const segments = query.subject.split('.');
  if (prefix.length === segments.length) {
    where.push('subject = ?');
    params.push(query.subject);
    return { where, params, exact: true };
  }
  if (prefix.length > 0) {
    // A wildcard follows the prefix, so a match starts with "prefix."; "/" sorts right after ".".
    const head = prefix.join('.');
    where.push('subject >= ?', 'subject < ?');
    params.push(`${head}.`, `${head}/`);
  }
  return { where, params, exact: false };
}
