import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createGroupCommit, type GroupCommit } from '../../../../src/bus/embedded/group-commit.ts';

let db: Database.Database;
let commits = 0;
let failures: unknown[] = [];
let writer: GroupCommit;

beforeEach(() => {
  db = new Database(':memory:');
  db.exec('CREATE TABLE t (x INTEGER UNIQUE)');
  commits = 0;
  failures = [];
  writer = createGroupCommit(db, {
    committed: () => void commits++,
    failed: (error) => (failures.push(error), new Error('batch failed')),
  });
});
afterEach(() => db.close());

const insert = (x: number) => () => db.prepare('INSERT INTO t (x) VALUES (?)').run(x).changes;

it('commits writes requested in the same turn as one transaction', async () => {
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => writer.run(insert(i))));
  expect(results.every((r) => r === 1)).toBe(true);
  expect(commits).toBe(1);
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(200);
  await writer.run(insert(1_000));
  expect(commits).toBe(2);
});

it('settles each caller only after the commit', async () => {
  let seenInTransaction: boolean | undefined;
  const done = writer.run(insert(1)).then(() => (seenInTransaction = db.inTransaction));
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
  await done;
  expect(seenInTransaction).toBe(false);
});

it('fails a bad write alone and commits the rest of its batch', async () => {
  const outcomes = await Promise.allSettled([writer.run(insert(1)), writer.run(insert(1)), writer.run(insert(2))]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(db.prepare('SELECT x FROM t ORDER BY x').pluck().all()).toEqual([1, 2]);
  expect(commits).toBe(1);
  expect(failures).toEqual([]);
});

it('commits what is queued on flush()', async () => {
  const pending = writer.run(insert(7));
  writer.flush();
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1);
  await expect(pending).resolves.toBe(1);
});
