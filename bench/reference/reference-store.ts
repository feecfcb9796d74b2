/** The reference's durable write: one SQLite insert (WAL, synchronous=FULL like the embedded bus) or one awaited JetStream publish. */
import Database from 'better-sqlite3';
import { connect } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { hasNatsCode, NatsErrorCodes } from '../../src/bus/nats/nats-error-codes.ts';

export interface ReferenceStore {
  /**
   * Stores the delivery unless its id, or its `replayKey` (given with --checks), was stored before; resolves
   * true when it was new, false for a duplicate. On NATS a body replayed under a new id is still stored (its
   * key's claim goes out in the same turn) and answered as a duplicate: the bench never sends one.
   */
  write(id: string, body: Buffer, replayKey?: Buffer): Promise<boolean>;
  close(): Promise<void>;
}

export interface ReferenceStoreOptions {
  sqlite?: string | undefined;
  batch?: boolean | undefined;
  nats?: string | undefined;
  /** Also keep each body's replay key unique (a second unique index, or a second JetStream write). */
  checks?: boolean | undefined;
  /**
   * Every stored delivery is read back in this process, as hookhub's router reads an event no rule takes: on
   * NATS by a durable consumer that acks it, on SQLite (with `batch`) by a reader that saves how far it has read.
   */
  readBack?: boolean | undefined;
}

export function openReferenceStore(options: ReferenceStoreOptions): Promise<ReferenceStore> {
  const checks = options.checks === true;
  if (options.nats) return openNatsStore(options.nats, checks, options.readBack === true);
  if (!options.sqlite) throw new Error('reference store: pass --sqlite FILE or --nats URL');
  if (options.readBack && !options.batch) throw new Error('reference store: --read-back on SQLite needs --batch');
  const db = openDatabase(options.sqlite, checks);
  if (!options.batch) return Promise.resolve(openSqlite(db, checks));
  return Promise.resolve(openBatchedSqlite(db, checks, options.readBack ? createReader(db) : undefined));
}

function openDatabase(path: string, checks: boolean): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Same durability as the embedded bus (src/bus/embedded/open-database.ts).
  db.pragma('synchronous = FULL');
  // Without --checks, no replay_key column: a UNIQUE column indexes its NULLs too, at a cost the plain reference must not pay.
  const replayKey = checks ? ', replay_key BLOB NOT NULL UNIQUE' : '';
  db.exec(`CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, body BLOB NOT NULL, at INTEGER NOT NULL${replayKey})`);
  return db;
}

/** Inserts one delivery; true when it was new. */
function inserter(db: Database.Database, checks: boolean): (id: string, body: Buffer, replayKey?: Buffer) => boolean {
  if (!checks) {
    const insert = db.prepare('INSERT INTO events (id, body, at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING');
    return (id, body) => insert.run(id, body, Date.now()).changes === 1;
  }
  const insert = db.prepare('INSERT INTO events (id, body, at, replay_key) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  return (id, body, replayKey) => insert.run(id, body, Date.now(), replayKey).changes === 1;
}

function openSqlite(db: Database.Database, checks: boolean): ReferenceStore {
  const insert = inserter(db, checks);
  return {
    write: (id, body, replayKey) => Promise.resolve(insert(id, body, replayKey)),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

interface Queued {
  id: string;
  body: Buffer;
  replayKey: Buffer | undefined;
  stored: boolean;
  done: (err?: unknown) => void;
}

/** Reads back what the store commits: the new rows' heads, and how far it has read, saved in the next commit. */
interface Reader {
  /** Reads up to 512 new rows; true when there may be more. */
  readNew(): boolean;
  /** Whether a read position waits to be saved. */
  unsaved(): boolean;
  /** Inside a transaction: saves the read position, if it moved. */
  save(): void;
}

function createReader(db: Database.Database): Reader {
  db.exec('CREATE TABLE IF NOT EXISTS reader (one INTEGER PRIMARY KEY CHECK (one = 1), position INTEGER NOT NULL)');
  db.exec('INSERT OR IGNORE INTO reader (one, position) VALUES (1, 0)');
  const fresh = db.prepare('SELECT rowid AS position, id, at FROM events WHERE rowid > ? ORDER BY rowid LIMIT 512');
  const update = db.prepare('UPDATE reader SET position = ? WHERE one = 1');
  let read = 0;
  let pending: number | undefined;
  return {
    readNew() {
      const rows = fresh.all(read) as { position: number }[];
      const last = rows.at(-1);
      if (last) pending = read = last.position;
      return rows.length === 512;
    },
    unsaved: () => pending !== undefined,
    save() {
      if (pending === undefined) return;
      update.run(pending);
      pending = undefined;
    },
  };
}

/** Every write of one event-loop turn in one transaction; callers resolve after the commit. */
function openBatchedSqlite(db: Database.Database, checks: boolean, reader?: Reader): ReferenceStore {
  const insert = inserter(db, checks);
  let queue: Queued[] = [];
  let scheduled = false;
  const commit = db.transaction((batch: Queued[]) => {
    reader?.save();
    for (const item of batch) item.stored = insert(item.id, item.body, item.replayKey);
  });
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };
  // A read position with no write to ride with commits on its own.
  const readBack = (): void => {
    if (reader?.readNew()) setImmediate(readBack);
    if (reader?.unsaved()) schedule();
  };
  const flush = (): void => {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      commit(batch);
      for (const item of batch) item.done();
    } catch (err) {
      for (const item of batch) item.done(err);
    }
    if (reader && batch.length > 0) setImmediate(readBack);
  };
  return {
    write: (id, body, replayKey) =>
      new Promise((resolve, reject) => {
        schedule();
        const item: Queued = {
          id,
          body,
          replayKey,
          stored: false,
          done: (err) => (err ? reject(err instanceof Error ? err : new Error('commit failed', { cause: err })) : resolve(item.stored)),
        };
        queue.push(item);
      }),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function openNatsStore(url: string, checks: boolean, readBack: boolean): Promise<ReferenceStore> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  const name = `REF_${process.pid}`;
  await jsm.streams.add({ name, subjects: [`ref${process.pid}.>`] });
  const js = jetstream(nc);
  const stopReading = readBack ? await readEverything(js, jsm, name, `ref${process.pid}.github`) : undefined;
  const publish = async (id: string, body: Buffer) => !(await js.publish(`ref${process.pid}.github`, body, { msgID: id })).duplicate;
  return {
    // With --checks, the replay key is claimed on a subject of its own in the same turn, as hookhub claims a body's content key.
    write: async (id, body, replayKey) => {
      if (!checks || replayKey === undefined) return publish(id, body);
      const [stored, first] = await Promise.all([publish(id, body), claim(js, `ref${process.pid}.key.${replayKey.toString('hex')}`)]);
      return stored && first;
    },
    close: async () => {
      await stopReading?.();
      await jsm.streams.delete(name).catch(() => undefined);
      await nc.drain();
    },
  };
}

/**
 * A durable consumer that acks every message on `filter` as it arrives, as hookhub's router does with an event
 * no rule takes. Returns its stop. A failure ends the process: a reference that stopped reading would measure
 * something else.
 */
async function readEverything(js: JetStreamClient, jsm: JetStreamManager, stream: string, filter: string): Promise<() => Promise<void>> {
  await jsm.consumers.add(stream, { durable_name: 'reader', ack_policy: AckPolicy.Explicit, filter_subject: filter });
  const messages = await (await js.consumers.get(stream, 'reader')).consume({ max_messages: 64 });
  let stopping = false;
  const reading = (async () => {
    for await (const msg of messages) msg.ack();
    if (!stopping) throw new Error('its messages ended before the reference stopped');
  })();
  reading.catch((err: unknown) => {
    process.stderr.write(`reference reader failed: ${String(err)}\n`);
    process.exit(1);
  });
  return async () => {
    stopping = true;
    await messages.close();
    await reading;
  };
}

/** An empty message on `subject`, expecting none there yet: false when one was (the key was claimed before). */
async function claim(js: JetStreamClient, subject: string): Promise<boolean> {
  try {
    await js.publish(subject, undefined, { expect: { lastSubjectSequence: 0 } });
    return true;
  } catch (err) {
    if (hasNatsCode(err, NatsErrorCodes.StreamWrongLastSequence)) return false;
    throw err;
  }
}
