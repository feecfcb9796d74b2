/** `hookhub store repage` against real data files: a file from before 16 KB pages, one in use, one already done. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import { registerStoreCommand } from '../../src/cli/store-command.ts';

let dir = '';
let path = '';
let configFile = '';

async function repage(): Promise<{ out: string; progress: string }> {
  let out = '';
  let progress = '';
  const program = new Command('hookhub').exitOverride();
  registerStoreCommand(program, { write: (text) => (out += text), progress: (text) => (progress += text), tickMs: 5 });
  await program.parseAsync(['node', 'hookhub', 'store', 'repage', '--config', configFile]);
  return { out, progress };
}

function pragma(name: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

/** A data file as hookhub made it before 16 KB pages: SQLite's default 4 KB, in WAL mode, with events in it. */
async function seedLegacyFile(count: number): Promise<void> {
  const legacy = new Database(path);
  legacy.pragma('journal_mode = WAL');
  legacy.close();
  const bus = await createEmbeddedBus({ path });
  for (let i = 0; i < count; i++) await bus.publish('events', { id: `e${i}`, subject: 'github.push', payload: { i } });
  await bus.close();
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-repage-'));
  path = join(dir, 'hookhub.db');
  configFile = join(dir, 'hookhub.yaml');
  await writeFile(configFile, `bus: { type: embedded, path: ${JSON.stringify(path)} }\n`);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('rewrites a 4 KB-page file with 16 KB pages, keeps it in WAL mode, and keeps every event and its dedup', async () => {
  await seedLegacyFile(300);
  expect(pragma('page_size')).toBe(4096);

  const { out, progress } = await repage();
  expect(out).toMatch(/hookhub\.db now uses 16 KB pages \(it had 4 KB\), in \d+\.\d s/);
  expect(progress).toMatch(/^rewriting .*hookhub\.db \(\d+\.\d MB\) with 16 KB pages/);
  expect(pragma('page_size')).toBe(16_384);
  expect(pragma('journal_mode')).toBe('wal');
  expect(pragma('integrity_check')).toBe('ok');

  const bus = await createEmbeddedBus({ path });
  try {
    expect((await bus.get<{ i: number }>('events', 'e299'))?.payload).toEqual({ i: 299 });
    expect(await bus.query({ stream: 'events', limit: 1_000 })).toHaveLength(300);
    expect(await bus.publish('events', { id: 'e7', subject: 'github.push', payload: {} })).toEqual({ duplicate: true });
  } finally {
    await bus.close();
  }
});

it('refuses while a hub has the file open, and leaves it as it was', async () => {
  await seedLegacyFile(3);
  const running = await createEmbeddedBus({ path });
  try {
    await expect(repage()).rejects.toThrow(/hookhub\.db is open in another process \(a running hub\?\): stop it, then run this again/);
    expect(await running.publish('events', { id: 'while-open', subject: 'github.push', payload: {} })).toEqual({ duplicate: false });
  } finally {
    await running.close();
  }
  expect(pragma('page_size')).toBe(4096);
  expect(pragma('journal_mode')).toBe('wal');
});

it('says there is nothing to do for a file that has 16 KB pages already', async () => {
  const bus = await createEmbeddedBus({ path });
  await bus.close();
  const { out } = await repage();
  expect(out).toMatch(/already uses 16 KB pages: nothing to do/);
});

it('says where it looked when there is no data file', async () => {
  await expect(repage()).rejects.toThrow(/no data file at .*hookhub\.db \(bus\.path in .*hookhub\.yaml\)/);
});
