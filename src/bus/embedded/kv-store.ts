import type { Database } from 'better-sqlite3';
import { checkBucketName, KvConflictError, type KvBucket, type KvEntry } from '../kv.ts';
import { createBucketCache } from '../kv-bucket-cache.ts';
import type { WriteOp } from './group-commit.ts';

export interface EmbeddedKvDeps {
  db: Database;
  /** Runs a write inside the bus's group commit (resolves after the commit). */
  write<T>(op: WriteOp<T>): Promise<T>;
  /** Runs a read, translating storage errors like the bus does. */
  read<T>(op: () => T): T;
}

interface Row {
  key: string;
  value: string;
  revision: number;
}

/**
 * One kv bucket in the `kv` table. Revisions count up per key from 1; a delete removes the row,
 * so a later create starts again at 1 (callers only compare revisions they just read).
 * The conditional write is one UPDATE/INSERT inside the group commit's IMMEDIATE transaction,
 * so it is atomic across processes sharing the file.
 */
export function createEmbeddedKv(deps: EmbeddedKvDeps, bucketName: string): KvBucket {
  const bucket = checkBucketName(bucketName);
  const statements = prepareKvStatements(deps.db);
  const { select, all, remove, removeAt } = statements;
  const toEntry = <T>(row: Row): KvEntry<T> => ({ key: row.key, value: JSON.parse(row.value) as T, revision: row.revision });

  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
    async get<T>(key: string) {
      const row = deps.read(() => select.get(bucket, checkKey(key)));
      return row ? toEntry<T>(row) : undefined;
    },
    put(key, value, options = {}) {
      const json = JSON.stringify(value);
      checkKey(key);
      return deps.write(() => writeValue(statements, bucket, key, json, options.revision));
    },
    async delete(key, options = {}) {
      checkKey(key);
      await deps.write(() => {
        if (options.revision === undefined) return void remove.run(bucket, key);
        if (removeAt.run(bucket, key, options.revision).changes === 0) throw new KvConflictError(key);
      });
    },
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns a synchronous throw (closed or failing store) into the rejection callers expect
    async entries<T>() {
      return deps.read(() => all.all(bucket)).map((row) => toEntry<T>(row));
    },
  };
}

type KvStatements = ReturnType<typeof prepareKvStatements>;

/** A bucket's statements, prepared when the bucket is first used. */
function prepareKvStatements(db: Database) {
  return {
    select: db.prepare<[string, string], Row>('SELECT key, value, revision FROM kv WHERE bucket = ? AND key = ?'),
    all: db.prepare<[string], Row>('SELECT key, value, revision FROM kv WHERE bucket = ? ORDER BY key'),
    upsert: db.prepare(
      'INSERT INTO kv (bucket, key, value, revision) VALUES (?, ?, ?, 1) ' +
        'ON CONFLICT (bucket, key) DO UPDATE SET value = excluded.value, revision = kv.revision + 1 RETURNING revision',
    ),
    create: db.prepare('INSERT INTO kv (bucket, key, value, revision) VALUES (?, ?, ?, 1) ON CONFLICT DO NOTHING RETURNING revision'),
    update: db.prepare('UPDATE kv SET value = ?, revision = revision + 1 WHERE bucket = ? AND key = ? AND revision = ? RETURNING revision'),
    remove: db.prepare('DELETE FROM kv WHERE bucket = ? AND key = ?'),
    removeAt: db.prepare('DELETE FROM kv WHERE bucket = ? AND key = ? AND revision = ?'),
  };
}

/**
 * Inside the write transaction: any value without `expected`, a new key with 0, else only at that revision.
 * Returns the new revision.
 */
function writeValue(statements: KvStatements, bucket: string, key: string, json: string, expected: number | undefined): number {
  const { upsert, create, update } = statements;
  const row = (
    expected === undefined
      ? upsert.get(bucket, key, json)
      : expected === 0
        ? create.get(bucket, key, json)
        : update.get(json, bucket, key, expected)
  ) as { revision: number } | undefined;
  if (!row) throw new KvConflictError(key);
  return row.revision;
}

/** The bus's kv buckets by name, each made on first use and kept. */
export function createKvBuckets(deps: EmbeddedKvDeps): (bucket: string) => KvBucket {
  return createBucketCache((bucket) => createEmbeddedKv(deps, bucket));
}

function checkKey(key: string): string {
  if (key.length === 0) throw new Error('kv keys must not be empty');
  return key;
}
