import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGroupCommit, type GroupCommit } from '../../../../src/bus/embedded/group-commit.ts';
import { coalesce } from '../../../../src/shared/coalesce.ts';

let db: Database.Database;
let commits = 0;
let failures: unknown[] = [];
let hookFailures: unknown[] = [];
let writer: GroupCommit;

beforeEach(() => {
  db = new Database(':memory:');
  db.exec('CREATE TABLE t (x INTEGER UNIQUE)');
  commits = 0;
  failures = [];
  hookFailures = [];
  writer = createGroupCommit(db, {
    committed: () => void commits++,
    committedHookFailed: (error) => void hookFailures.push(error),
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

it('commits nothing while paused, then everything queued meanwhile as one batch', async () => {
  const resume = writer.pause();
  const writes = Promise.all([writer.run(insert(1)), writer.run(insert(2))]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(commits).toBe(0);
  resume();
  resume(); // a second call changes nothing
  expect(await writes).toEqual([1, 1]);
  expect(commits).toBe(1);
  await writer.run(insert(3));
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

it('settles every caller of a committed batch when the committed() hook throws, and reports the failure', async () => {
  const hookError = new Error('checkpoint thread could not start');
  writer = createGroupCommit(db, {
    committed: () => {
      throw hookError;
    },
    committedHookFailed: (error) => void hookFailures.push(error),
    failed: (error) => (failures.push(error), error),
  });
  await expect(Promise.all([writer.run(insert(1)), writer.run(insert(2))])).resolves.toEqual([1, 1]);
  expect(hookFailures).toEqual([hookError]);
  expect(failures).toEqual([]);
});

it('commits what is queued on drain()', async () => {
  const pending = writer.run(insert(7));
  const drained = writer.drain();
  expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1);
  await drained;
  await expect(pending).resolves.toBe(1);
});

describe('with a WAL sync off the event loop', () => {
  let release: (() => void)[] = [];
  let fail: ((error: Error) => void)[] = [];
  let syncs = 0;
  beforeEach(() => {
    release = [];
    fail = [];
    syncs = 0;
    writer = createGroupCommit(db, {
      committed: () => void commits++,
      committedHookFailed: (error) => void hookFailures.push(error),
      failed: (error) => (failures.push(error), new Error('sync failed')),
      sync: () =>
        new Promise<void>((resolve, reject) => {
          syncs++;
          release.push(resolve);
          fail.push(reject);
        }),
    });
  });
  const settled = async (promise: Promise<unknown>) => {
    let done = false;
    void promise.then(
      () => (done = true),
      () => (done = true),
    );
    await new Promise((r) => setImmediate(r));
    return done;
  };

  it('settles a durable write only once the sync is done, and bookkeeping at the commit', async () => {
    const durable = writer.run(insert(1));
    const bookkeeping = writer.run(insert(2), { durable: false });
    await expect(bookkeeping).resolves.toBe(1);
    expect(await settled(durable)).toBe(false);
    expect(syncs).toBe(1);
    release[0]?.();
    await expect(durable).resolves.toBe(1);
    // Bookkeeping alone asks for no sync.
    await writer.run(insert(3), { durable: false });
    expect(syncs).toBe(1);
  });

  it('holds durable writes while a sync runs, then commits them as one batch', async () => {
    const first = writer.run(insert(1));
    await new Promise((r) => setImmediate(r));
    expect(commits).toBe(1);
    const second = writer.run(insert(2));
    const third = writer.run(insert(3));
    await new Promise((r) => setTimeout(r, 20));
    expect(commits).toBe(1);
    release[0]?.();
    await expect(first).resolves.toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(commits).toBe(2);
    expect(syncs).toBe(2);
    release[1]?.();
    await expect(Promise.all([second, third])).resolves.toEqual([1, 1]);
  });

  it('commits a write that settles at the commit at once, with the durable writes held until then', async () => {
    const first = writer.run(insert(1));
    await new Promise((r) => setImmediate(r));
    const held = writer.run(insert(2));
    await new Promise((r) => setTimeout(r, 20));
    expect(commits).toBe(1);
    await expect(writer.run(insert(3), { durable: false })).resolves.toBe(1);
    expect(commits).toBe(2);
    expect(await settled(held)).toBe(false);
    release[0]?.();
    release[1]?.();
    await expect(Promise.all([first, held])).resolves.toEqual([1, 1]);
  });

  it('fails the durable writes of a batch whose sync fails', async () => {
    const durable = writer.run(insert(1));
    await new Promise((r) => setImmediate(r));
    fail[0]?.(new Error('EIO'));
    await expect(durable).rejects.toThrow('sync failed');
    expect(failures).toHaveLength(1);
  });

  it('fails durable writes whose sync outlives its bound, the ones queued behind it too, and says how long it runs', async () => {
    writer = createGroupCommit(db, {
      committed: () => void commits++,
      committedHookFailed: (error) => void hookFailures.push(error),
      failed: (error) => (failures.push(error), error),
      sync: coalesce(() => new Promise<void>((resolve) => release.push(resolve))),
      syncTimeoutMs: 50,
    });
    const first = writer.run(insert(1));
    await new Promise((r) => setImmediate(r));
    const queued = writer.run(insert(2));
    await expect(first).rejects.toThrow('WAL sync has not finished within 50 ms');
    await expect(queued).rejects.toThrow('WAL sync has not finished within 50 ms');
    expect(commits).toBe(2);
    expect(writer.syncStuckMs()).toBeGreaterThan(0);
    release[0]?.();
    await vi.waitFor(() => expect(release).toHaveLength(2));
    release[1]?.();
    await vi.waitFor(() => expect(writer.syncStuckMs()).toBe(0));
    expect(db.prepare('SELECT x FROM t ORDER BY x').pluck().all()).toEqual([1, 2]);
  });

  it('drain() waits for the syncs in flight', async () => {
    const durable = writer.run(insert(1));
    const drained = writer.drain();
    expect(await settled(drained)).toBe(false);
    release[0]?.();
    await drained;
    await expect(durable).resolves.toBe(1);
  });
});

describe('while another connection holds the write lock', () => {
  let dir: string;
  let holder: Database.Database;
  beforeEach(() => {
    db.close();
    dir = mkdtempSync(join(tmpdir(), 'hookhub-lock-'));
    db = new Database(join(dir, 'lock.db'));
    db.pragma('journal_mode = WAL');
    // As the bus sets it: no attempt waits in SQLite's busy handler.
    db.pragma('busy_timeout = 0');
    db.exec('CREATE TABLE t (x INTEGER UNIQUE)');
    holder = new Database(join(dir, 'lock.db'), { timeout: 0 });
    holder.exec('BEGIN IMMEDIATE');
  });
  afterEach(() => {
    if (holder.inTransaction) holder.exec('ROLLBACK');
    holder.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const make = (busyWaitMs: number) =>
    createGroupCommit(db, {
      committed: () => void commits++,
      committedHookFailed: (error) => void hookFailures.push(error),
      failed: (error) => (failures.push(error), new Error('batch failed')),
      busyWaitMs,
    });

  it('waits on a timer, so the event loop runs on (here: the timer that lets the lock go), then commits in order', async () => {
    writer = make(5_000);
    const first = writer.run(insert(1));
    await new Promise((r) => setTimeout(r, 20));
    const second = writer.run(insert(2));
    expect(writer.lockWaitMs()).toBeGreaterThan(0);
    // SQLite's busy handler would hold this thread, and this timer could never let the lock go.
    setTimeout(() => holder.exec('COMMIT'), 30);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 1]);
    expect(failures).toEqual([]);
    expect(commits).toBe(1);
    expect(db.prepare('SELECT x FROM t ORDER BY rowid').pluck().all()).toEqual([1, 2]);
    expect(writer.lockWaitMs()).toBe(0);
  });

  it('fails the batch with the busy error once the wait is over, and commits again after', async () => {
    writer = make(50);
    await expect(writer.run(insert(1))).rejects.toThrow('batch failed');
    expect(failures).toHaveLength(1);
    expect((failures[0] as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
    holder.exec('COMMIT');
    await expect(writer.run(insert(2))).resolves.toBe(1);
    expect(db.prepare('SELECT x FROM t').pluck().all()).toEqual([2]);
  });

  it('drain() waits for a batch that waits for the lock', async () => {
    writer = make(5_000);
    const pending = writer.run(insert(7));
    setTimeout(() => holder.exec('COMMIT'), 30);
    await writer.drain();
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(1);
    await expect(pending).resolves.toBe(1);
  });
});

describe('coalesce', () => {
  it('runs one sync at a time, and callers during one share the next', async () => {
    const runs: (() => void)[] = [];
    const sync = coalesce(() => new Promise<void>((resolve) => runs.push(resolve)));
    const first = sync();
    const second = sync();
    const third = sync();
    expect(runs).toHaveLength(1);
    runs[0]?.();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(runs).toHaveLength(2);
    runs[1]?.();
    await Promise.all([second, third]);
    expect(runs).toHaveLength(2);
  });
});
