/** The reference's durable write: one SQLite insert (WAL, synchronous=FULL like the embedded bus) or one awaited JetStream publish. */
import Database from 'better-sqlite3';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';

export interface ReferenceStore {
  write(id: string, body: Buffer): Promise<void>;
  close(): Promise<void>;
}

export interface ReferenceStoreOptions {
  sqlite?: string | undefined;
  batch?: boolean | undefined;
  nats?: string | undefined;
}

export function openReferenceStore(options: ReferenceStoreOptions): Promise<ReferenceStore> {
  if (options.nats) return openNatsStore(options.nats);
  if (!options.sqlite) throw new Error('reference store: pass --sqlite FILE or --nats URL');
  return Promise.resolve(options.batch ? openBatchedSqlite(options.sqlite) : openSqlite(options.sqlite));
}

function openDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Same durability as the embedded bus (src/bus/embedded/open-database.ts).
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, body BLOB NOT NULL, at INTEGER NOT NULL)');
  return db;
}

function openSqlite(path: string): ReferenceStore {
  const db = openDatabase(path);
  const insert = db.prepare('INSERT INTO events (id, body, at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING');
  return {
    write: (id, body) => {
      insert.run(id, body, Date.now());
      return Promise.resolve();
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

/** Every write of one event-loop turn in one transaction; callers resolve after the commit. */
function openBatchedSqlite(path: string): ReferenceStore {
  const db = openDatabase(path);
  const insert = db.prepare('INSERT INTO events (id, body, at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING');
  let queue: { id: string; body: Buffer; done: (err?: unknown) => void }[] = [];
  const commit = db.transaction((batch: typeof queue) => {
    for (const item of batch) insert.run(item.id, item.body, Date.now());
  });
  const flush = (): void => {
    const batch = queue;
    queue = [];
    try {
      commit(batch);
      for (const item of batch) item.done();
    } catch (err) {
      for (const item of batch) item.done(err);
    }
  };
  return {
    write: (id, body) =>
      new Promise((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({
          id,
          body,
          done: (err) => (err ? reject(err instanceof Error ? err : new Error('commit failed', { cause: err })) : resolve()),
        });
      }),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}

async function openNatsStore(url: string): Promise<ReferenceStore> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  const name = `REF_${process.pid}`;
  await jsm.streams.add({ name, subjects: [`ref${process.pid}.>`] });
  const js = jetstream(nc);
  return {
    write: async (id, body) => void (await js.publish(`ref${process.pid}.github`, body, { msgID: id })),
    close: async () => {
      await jsm.streams.delete(name).catch(() => undefined);
      await nc.drain();
    },
  };
}
