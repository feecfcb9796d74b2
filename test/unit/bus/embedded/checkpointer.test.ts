/** WAL checkpoints run in a worker thread, never inside a commit; when the worker cannot run, commits checkpoint inline again. */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createCheckpointer, type Checkpointer } from '../../../../src/bus/embedded/checkpointer.ts';

let dir = '';
let db: Database.Database;
let checkpointer: Checkpointer | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-checkpoint-'));
  db = new Database(join(dir, 'hub.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (body BLOB NOT NULL)');
});
afterEach(async () => {
  await checkpointer?.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** Commits of 4 KB rows: 40 commits write about 1,000 WAL pages, SQLite's inline checkpoint threshold. */
function commit(times: number): void {
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < times; i++) {
    db.transaction(() => {
      for (let j = 0; j < 25; j++) insert.run(Buffer.alloc(4000, i));
    })();
    checkpointer?.committed();
  }
}
const fileSize = async () => (await stat(join(dir, 'hub.db'))).size;

it('commits never checkpoint; the worker copies the WAL into the database file', async () => {
  const failed = vi.fn();
  checkpointer = createCheckpointer({ db, path: join(dir, 'hub.db'), everyMs: 10, startAfterCommits: 100, failed });
  const empty = await fileSize();
  commit(99);
  // 99 commits wrote about 2,500 pages: inline, SQLite would have checkpointed twice by now.
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  expect(await fileSize()).toBe(empty);
  commit(1);
  await vi.waitFor(async () => expect(await fileSize()).toBeGreaterThan(2_000 * 4096), { timeout: 5_000 });
  expect(failed).not.toHaveBeenCalled();
});

it('a worker that cannot run turns inline checkpoints back on, and says so', async () => {
  const failed = vi.fn();
  checkpointer = createCheckpointer({
    db,
    path: join(dir, 'hub.db'),
    startAfterCommits: 1,
    failed,
    driver: join(dir, 'no-such-driver.js'),
  });
  commit(1);
  await vi.waitFor(() => expect(failed).toHaveBeenCalledTimes(1), { timeout: 5_000 });
  expect(String(failed.mock.calls[0]?.[0])).toMatch(
    /background WAL checkpoints stopped \(.*no-such-driver.*\); commits checkpoint inline again/,
  );
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
});
