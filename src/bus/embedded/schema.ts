/**
 * The embedded bus schema, migrated with `PRAGMA user_version`.
 *
 * - messages: both streams; `seq` is an AUTOINCREMENT rowid, so it is monotonic per stream
 *   and never reused after pruning (https://www.sqlite.org/autoinc.html).
 * - messages are their own dedup index (by id, and by content key for providers that sign only
 *   the body); dedup keeps the keys of messages that retention removed before the dedup horizon.
 * - consumers: per durable consumer, `cursor` = the highest seq ever handed out.
 * - leases: messages at or below the cursor that the consumer has not finished yet.
 * - records, dead_letters: history notes and the dead-letter queue.
 * - meta: small key/values (the last open time doubles as a write probe).
 * - kv: buckets of JSON values with revisions (EventBus.kv).
 * - event_heads: each event's head (EventHead) by seq, so history filters, lists and counts never
 *   read payloads; a trigger removes a head with its message.
 */
import type { Database } from 'better-sqlite3';
import { compactContentKey } from './content-key.ts';
import { backfillEventHeads } from './head-store.ts';

const MIGRATIONS: (string | ((db: Database) => void))[] = [
  `
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    stream TEXT NOT NULL,
    id TEXT NOT NULL,
    subject TEXT NOT NULL,
    time INTEGER NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE INDEX messages_stream ON messages (stream);
  CREATE INDEX messages_id ON messages (stream, id);
  CREATE INDEX messages_time ON messages (stream, time);
  CREATE INDEX messages_subject ON messages (stream, subject);

  CREATE TABLE dedup (
    stream TEXT NOT NULL,
    id TEXT NOT NULL,
    time INTEGER NOT NULL,
    PRIMARY KEY (stream, id)
  ) WITHOUT ROWID;
  CREATE INDEX dedup_time ON dedup (time);

  CREATE TABLE consumers (
    stream TEXT NOT NULL,
    name TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    PRIMARY KEY (stream, name)
  ) WITHOUT ROWID;

  CREATE TABLE leases (
    stream TEXT NOT NULL,
    consumer TEXT NOT NULL,
    seq INTEGER NOT NULL,
    count INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    PRIMARY KEY (stream, consumer, seq)
  ) WITHOUT ROWID;
  CREATE INDEX leases_due ON leases (stream, consumer, visible_at);

  CREATE TABLE records (
    ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    time TEXT NOT NULL,
    created INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  CREATE INDEX records_ref ON records (ref);
  CREATE INDEX records_created ON records (created);

  CREATE TABLE dead_letters (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    reason TEXT NOT NULL,
    time TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    attempts TEXT NOT NULL
  );
  CREATE INDEX dead_letters_time ON dead_letters (time_ms);

  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 2: small durable state (subscriptions, noise-control groups and throttles), see src/bus/kv.ts.
  `
  CREATE TABLE kv (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    revision INTEGER NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  `,
  // 3: the content key moves onto its message, so a new event is one row instead of three.
  `
  ALTER TABLE messages ADD COLUMN content_key TEXT;
  CREATE INDEX messages_content ON messages (stream, content_key) WHERE content_key IS NOT NULL;
  `,
  // 4: content keys are kept compact (src/bus/embedded/content-key.ts), in messages and in dedup.
  `
  UPDATE messages SET content_key = hookhub_compact_key(content_key) WHERE typeof(content_key) = 'text';
  UPDATE dedup SET id = hookhub_compact_key(id) WHERE stream LIKE '%:content' AND typeof(id) = 'text';
  `,
  // 5: event heads. Filtering events by type, connector or time, listing them and counting them read
  // every payload (a 100 KB push took 7 s for 5,000 events, all of it on the event loop). Stored events
  // get their head here, reading each payload once. Safe to run again on a file that has some heads.
  (db) => {
    db.exec(`
    CREATE TABLE IF NOT EXISTS event_heads (
      seq INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
      time INTEGER NOT NULL,
      type TEXT NOT NULL,
      connector TEXT NOT NULL,
      head TEXT NOT NULL
    );
    -- Only time: every index here is one more B-tree insert per webhook on the hot path.
    CREATE INDEX IF NOT EXISTS event_heads_time ON event_heads (time);
    CREATE TRIGGER IF NOT EXISTS event_heads_gone AFTER DELETE ON messages WHEN old.stream = 'events'
      BEGIN DELETE FROM event_heads WHERE seq = old.seq; END;
    `);
    backfillEventHeads(db);
  },
];

/** Bring the schema up to date; a no-op (and no write) when it already is. */
export function migrateSchema(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`data file schema version ${version} is newer than this hookhub (${MIGRATIONS.length})`);
  }
  if (version < MIGRATIONS.length) {
    db.function('hookhub_compact_key', { deterministic: true }, (key: unknown) => compactContentKey(String(key)));
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      const migration = MIGRATIONS[v] ?? '';
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
