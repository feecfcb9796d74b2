/**
 * WAL checkpoints run in a worker thread, never inside a commit; the WAL starts over during a short
 * pause of the writes; when the worker cannot run, commits checkpoint inline again.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runFixture } from './child-process.ts';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import {
  createCheckpointer,
  restartPagesOf,
  type Checkpointer,
  type CheckpointerOptions,
} from '../../../../src/bus/embedded/checkpointer.ts';

let dir = '';
let db: Database.Database;
let checkpointer: Checkpointer | undefined;
/** Pauses asked for, and how many were let go. */
const pauses = { asked: 0, resumed: 0 };
const pauseWrites = () => {
  pauses.asked += 1;
  return () => void (pauses.resumed += 1);
};

beforeEach(async () => {
  pauses.asked = 0;
  pauses.resumed = 0;
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
const fileSize = async (suffix = '') => (await stat(join(dir, `hub.db${suffix}`))).size;
/** Starts a checkpointer on the test database and makes the first commit, which starts its worker. */
function startCheckpointer(options: Partial<CheckpointerOptions> = {}) {
  const failed = vi.fn();
  checkpointer = createCheckpointer({ db, path: join(dir, 'hub.db'), pauseWrites, startAfterCommits: 1, failed, ...options });
  commit(1);
  return failed;
}
/** Commits checkpoint inline until the worker has its connection. */
const workerOnline = () => vi.waitFor(() => expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0), { timeout: 5_000 });
const walPages = () => (db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? -1;

it('commits never checkpoint; the worker copies the WAL into the database file', async () => {
  // The worker's first checkpoint comes a second after it starts: long after the commits below.
  const failed = startCheckpointer({ everyMs: 1_000 });
  await workerOnline();
  const before = await fileSize();
  commit(99);
  // Those 99 commits wrote about 2,500 pages: inline, SQLite would have checkpointed twice by now.
  expect(await fileSize()).toBe(before);
  await vi.waitFor(async () => expect(await fileSize()).toBeGreaterThan(before + 2_000 * 4096), { timeout: 5_000 });
  expect(failed).not.toHaveBeenCalled();
  expect(pauses.asked).toBe(0);
});

it('once the WAL holds restartBytes, writes pause while the worker restarts it, and the WAL file stops growing', async () => {
  const failed = startCheckpointer({ everyMs: 5, restartBytes: 500 * 4096 });
  await workerOnline();
  for (let round = 0; round < 6; round++) {
    commit(25); // about 625 pages of 4 KB: past restartBytes
    await vi.waitFor(() => expect(pauses.asked).toBe(round + 1), { timeout: 5_000 });
    await vi.waitFor(() => expect(pauses.resumed).toBe(round + 1), { timeout: 5_000 });
  }
  // Six rounds wrote about 3,750 pages; restarted each time, the WAL never held more than one round's.
  expect(await fileSize('-wal')).toBeLessThan(1_000 * 4_120);
  expect(walPages()).toBeLessThan(1_000);
  expect(failed).not.toHaveBeenCalled();
});

it('a restart held up by a reader is tried again once the WAL has grown as much again, not at every check', async () => {
  const failed = startCheckpointer({ everyMs: 5, restartBytes: 500 * 4096 });
  await workerOnline();
  // Another process's open read transaction (a backup, a shell): the WAL cannot start over while it lasts.
  const reader = new Database(join(dir, 'hub.db'));
  reader.exec('BEGIN');
  reader.prepare('SELECT COUNT(*) FROM t').get();
  commit(25); // about 625 pages: past restartBytes
  await vi.waitFor(() => expect(pauses.resumed).toBe(1), { timeout: 5_000 });
  // Small commits for a while, far below restartBytes in all: each try would hold every write for a second.
  const small = db.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < 10; i++) {
    small.run(Buffer.alloc(100));
    checkpointer?.committed();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(pauses.asked).toBe(1);
  // Once the reader is gone and the WAL has grown past restartBytes again, it is restarted.
  reader.exec('COMMIT');
  reader.close();
  commit(25);
  await vi.waitFor(() => expect(pauses.resumed).toBe(2), { timeout: 5_000 });
  expect(failed).not.toHaveBeenCalled();
}, 40_000);

it('a worker that cannot run turns inline checkpoints back on, and says so', async () => {
  const failed = startCheckpointer({ driver: join(dir, 'no-such-driver.js') });
  await vi.waitFor(() => expect(failed).toHaveBeenCalledTimes(1), { timeout: 5_000 });
  expect(String(failed.mock.calls[0]?.[0])).toMatch(
    /background WAL checkpoints stopped \(.*no-such-driver.*\); commits checkpoint inline again/,
  );
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
});

it('while the worker runs on but its checkpoints fail, commits checkpoint inline again, until one works', async () => {
  const flag = join(dir, 'hub.db.no-checkpoint');
  const failed = startCheckpointer({ everyMs: 5, driver: join(import.meta.dirname, 'fixtures', 'failing-checkpoint-driver.cjs') });
  await workerOnline();
  await writeFile(flag, '');
  await vi.waitFor(() => expect(failed).toHaveBeenCalledTimes(1), { timeout: 5_000 });
  // Else nothing would checkpoint: the WAL would grow until the disk is full.
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  expect(String(failed.mock.calls[0]?.[0])).toMatch(
    /background WAL checkpoint failed: .*readonly.*; commits checkpoint inline until it works again/,
  );
  commit(80); // about 2,000 pages: inline checkpoints start the WAL over
  expect(walPages()).toBeLessThan(1_500);
  await rm(flag);
  await workerOnline();
  expect(failed).toHaveBeenCalledTimes(1);
});

it('close() waits for the worker, though nothing else keeps the process alive (a CLI command, a stopping hub)', async () => {
  // Exit code 13 (an unsettled top-level await) and no "closed" when the unreferenced worker let the process end first.
  expect(await runFixture('close-after-checkpoints.ts', [join(dir, 'hookhub.db')])).toBe('closed');
});

it('counts the restart threshold in pages of the file: 4 KB in files from before, 16 KB in new ones', () => {
  expect(db.pragma('page_size', { simple: true })).toBe(4096);
  expect(restartPagesOf(db)).toBe(16_384);
  const fresh = new Database(join(dir, 'fresh.db'));
  fresh.pragma('page_size = 16384');
  fresh.pragma('journal_mode = WAL');
  expect(restartPagesOf(fresh)).toBe(4_096);
  expect(restartPagesOf(fresh, 1)).toBe(1);
  fresh.close();
});
