/** Embedded-only behaviour: dedup horizon and retention on a fixed clock, reopen, options. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../../src/errors.ts';
import { createEmbeddedBus, EmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import { resolveSettings } from '../../../../src/bus/embedded/embedded-options.ts';
import { loadDatabase } from '../../../../src/bus/embedded/open-database.ts';
import type { BusMessage } from '../../../../src/bus/event-bus.ts';

const HOUR = 3_600_000;
let dir = '';
let path = '';
let clock = Date.parse('2026-03-01T00:00:00Z');
const now = () => new Date(clock);
const open: EmbeddedBus[] = [];

async function openBus(options: { retentionMs?: number } = {}): Promise<EmbeddedBus> {
  const bus = await createEmbeddedBus({ path, now, ...options });
  open.push(bus);
  return bus;
}
const msg = (id: string, subject = 'github.push'): BusMessage => ({ id, subject, payload: { id } });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-embedded-unit-'));
  path = join(dir, 'nested', 'folder', 'hookhub.db');
  clock = Date.parse('2026-03-01T00:00:00Z');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  await rm(dir, { recursive: true, force: true });
});

it('dedups within 24 h and accepts the id again after the horizon', async () => {
  const bus = await openBus();
  expect(await bus.publish('events', msg('e1'))).toEqual({ duplicate: false });
  clock += 23 * HOUR;
  expect(await bus.publish('events', msg('e1'))).toEqual({ duplicate: true });
  clock += 2 * HOUR;
  expect(await bus.publish('events', msg('e1'))).toEqual({ duplicate: false });
  expect((await bus.get('events', 'e1'))?.time).toBe(now().toISOString());
});

it('keeps data, dedup and consumer progress across close and reopen', async () => {
  const first = await openBus();
  await first.publish('events', msg('a'));
  await first.publish('events', msg('b'));
  await first.record({ ref: 'a', kind: 'rule', time: now().toISOString(), data: { rule: 'r' } });
  for await (const delivery of first.consume('events', 'router', { batch: 1 })) {
    await delivery.ack();
    if (delivery.id === 'a') break;
  }
  await first.close();
  const second = await openBus();
  expect(await second.publish('events', msg('a'))).toEqual({ duplicate: true });
  expect(await second.records('a')).toHaveLength(1);
  const seen: string[] = [];
  for await (const delivery of second.consume('events', 'router')) {
    seen.push(delivery.id);
    await delivery.ack();
    break;
  }
  expect(seen).toEqual(['b']);
});

it('prunes old messages and records, but keeps what a consumer has not finished', async () => {
  const bus = await openBus({ retentionMs: 7 * 24 * HOUR });
  await bus.publish('jobs', msg('done', 'slack'));
  await bus.publish('jobs', msg('pending', 'slack'));
  await bus.record({ ref: 'done', kind: 'attempt', time: now().toISOString(), data: {} });
  for await (const delivery of bus.consume('jobs', 'worker', { ackWaitMs: 1_000 })) {
    if (delivery.id === 'done') await delivery.ack();
    else break;
  }
  clock += 8 * 24 * HOUR;
  await bus.publish('jobs', msg('fresh', 'slack'));
  await bus.prune();
  const left = await bus.query({ stream: 'jobs' });
  expect(left.map((m) => m.id)).toEqual(['pending', 'fresh']);
  expect(await bus.records('done')).toEqual([]);
  // Dedup keys outlive their messages only up to the horizon, which has passed too.
  expect(await bus.publish('jobs', msg('done', 'slack'))).toEqual({ duplicate: false });
});

it('keeps ids and content keys as duplicates when a retention under 24 h removed their messages', async () => {
  const bus = await openBus({ retentionMs: HOUR });
  const signed = (id: string): BusMessage => ({ ...msg(id), contentKey: 'gh:body:0' });
  await bus.publish('events', signed('early'));
  for await (const delivery of bus.consume('events', 'router')) {
    await delivery.ack();
    break;
  }
  clock += 2 * HOUR;
  await bus.prune();
  expect(await bus.get('events', 'early')).toBeUndefined();
  expect(await bus.publish('events', msg('early'))).toEqual({ duplicate: true });
  expect(await bus.publish('events', signed('other-id'))).toEqual({ duplicate: true });
  clock += 23 * HOUR;
  await bus.prune();
  expect(await bus.publish('events', signed('other-id'))).toEqual({ duplicate: false });
});

it('makes new data files with 16 KB pages, and opens a file with 4 KB pages as it is', async () => {
  const bus = await openBus();
  await bus.publish('events', msg('new-file'));
  await bus.close();
  const pageSize = (file: string) => {
    const raw = new Database(file, { readonly: true });
    const size = raw.pragma('page_size', { simple: true });
    raw.close();
    return size;
  };
  expect(pageSize(path)).toBe(16_384);

  // A file from before: SQLite's default 4 KB pages, already in WAL mode.
  const older = join(dir, 'older.db');
  const legacy = new Database(older);
  legacy.pragma('journal_mode = WAL');
  legacy.exec('CREATE TABLE placeholder (x)');
  legacy.close();
  const reopened = await createEmbeddedBus({ path: older, now });
  open.push(reopened);
  expect(await reopened.publish('events', msg('on-4k-pages'))).toEqual({ duplicate: false });
  expect((await reopened.get('events', 'on-4k-pages'))?.id).toBe('on-4k-pages');
  expect(pageSize(older)).toBe(4096);
});

it('stores content keys compact, and a file from before keeps its content keys as duplicates', async () => {
  const bus = await openBus();
  const signed = (id: string, key: string): BusMessage => ({ ...msg(id), contentKey: key });
  await bus.publish('events', signed('stored', 'gh:stored-body:0'));
  await bus.publish('events', signed('pruned', 'gh:pruned-body:0'));
  await bus.close();
  // The file as version 3 left it: content keys as text, in messages and in dedup.
  const legacy = new Database(path);
  legacy.prepare("UPDATE messages SET content_key = 'gh:stored-body:0' WHERE id = 'stored'").run();
  legacy.prepare("DELETE FROM messages WHERE id = 'pruned'").run();
  legacy.prepare("INSERT INTO dedup (stream, id, time) VALUES ('events:content', 'gh:pruned-body:0', ?)").run(clock);
  legacy.pragma('user_version = 3');
  legacy.close();

  const reopened = await openBus();
  expect(await reopened.publish('events', signed('replay-1', 'gh:stored-body:0'))).toEqual({ duplicate: true });
  expect(await reopened.publish('events', signed('replay-2', 'gh:pruned-body:0'))).toEqual({ duplicate: true });
  expect(await reopened.publish('events', signed('new', 'gh:new-body:0'))).toEqual({ duplicate: false });
  const raw = new Database(path, { readonly: true });
  const kinds = raw.prepare('SELECT DISTINCT typeof(content_key) FROM messages WHERE content_key IS NOT NULL').pluck().all();
  const lengths = raw.prepare('SELECT DISTINCT length(content_key) FROM messages WHERE content_key IS NOT NULL').pluck().all();
  raw.close();
  expect(kinds).toEqual(['blob']);
  expect(lengths).toEqual([16]);
});

it('matches a glob prefix on whole segments only', async () => {
  const bus = await openBus();
  for (const [id, subject] of [
    ['1', 'github'],
    ['2', 'githubx.push'],
    ['3', 'github.push'],
    ['4', 'github-x.push'],
  ]) {
    await bus.publish('events', msg(id ?? '', subject));
  }
  expect((await bus.query({ stream: 'events', subject: 'github.**' })).map((m) => m.id)).toEqual(['3']);
  expect((await bus.query({ stream: 'events', subject: 'github' })).map((m) => m.id)).toEqual(['1']);
});

it('finds glob matches beyond the first chunk of candidates', async () => {
  const bus = await openBus();
  const noise = Array.from({ length: 450 }, (_, i) => bus.publish('events', msg(`n${i}`, 'github.issues.opened')));
  await Promise.all(noise);
  await bus.publish('events', msg('target', 'github.push'));
  const found = await bus.query({ stream: 'events', subject: 'github.*', limit: 5 });
  expect(found.map((m) => m.id)).toEqual(['target']);
});

it('commits a pending batch on close', async () => {
  const bus = await openBus();
  const pending = bus.publish('events', msg('last'));
  await bus.close();
  await expect(pending).resolves.toEqual({ duplicate: false });
  const reopened = await openBus();
  expect(await reopened.get('events', 'last')).toBeDefined();
  await expect(bus.publish('events', msg('after'))).rejects.toThrow(/closed/);
});

it('rejects a dedup horizon under 24 h and non-positive durations', async () => {
  await expect(createEmbeddedBus({ path, dedupHorizonMs: HOUR })).rejects.toBeInstanceOf(ConfigError);
  await expect(createEmbeddedBus({ path, retentionMs: 0 })).rejects.toThrow(/retentionMs/);
});

it('parses a payload only when it is read, so a consumer that needs only the subject never parses it', async () => {
  const bus = await openBus();
  await bus.publish('events', msg('lazy'));
  const other = new Database(path);
  other.prepare("UPDATE messages SET payload = '{not json' WHERE id = 'lazy'").run();
  other.close();
  for await (const delivery of bus.consume('events', 'router')) {
    expect([delivery.id, delivery.subject]).toEqual(['lazy', 'github.push']);
    expect(() => delivery.payload).toThrow(SyntaxError);
    await delivery.ack();
    break;
  }
});

it('a write made before an ack settles at its commit; any other waits until the WAL is on disk', async () => {
  let synced: () => void = () => undefined;
  const sync = () => new Promise<void>((resolve) => (synced = resolve));
  const bus = new EmbeddedBus(await loadDatabase(path), resolveSettings({ path, now }), { sync, close: () => Promise.resolve() });
  open.push(bus);
  const entry = { ref: 'r', kind: 'rule', time: now().toISOString(), data: {} };
  const settled: string[] = [];
  const writes = [
    bus.publish('jobs', msg('before-ack'), { beforeAck: true }).then(() => settled.push('job before ack')),
    bus.record(entry, { beforeAck: true }).then(() => settled.push('record before ack')),
    bus.publish('events', msg('acknowledged')).then(() => settled.push('event')),
    bus.record(entry).then(() => settled.push('record')),
  ];
  await vi.waitFor(() => expect(settled).toEqual(['job before ack', 'record before ack']));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(settled).toHaveLength(2);
  synced();
  await Promise.all(writes);
  expect(settled.slice(2)).toEqual(['event', 'record']);
});

it('never runs two retention passes at once: a tick while one runs (held up by a write lock) is skipped', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  try {
    const bus = await createEmbeddedBus({ path, now, pruneEveryMs: 1_000 });
    open.push(bus);
    let release: () => void = () => undefined;
    let calls = 0;
    bus.prune = () => {
      calls++;
      return new Promise((resolve) => (release = () => resolve(0)));
    };
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
  } finally {
    vi.useRealTimers();
  }
});
