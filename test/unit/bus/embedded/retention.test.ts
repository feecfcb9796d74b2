/**
 * The records delete looks at a bounded chunk of old records after the pass's cursor: the records of
 * dead-lettered jobs stay for days at the front of the created index, and a chunk that walked all of
 * them again before reaching the deletable ones held the write lock for tens of milliseconds each.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import { createRetention } from '../../../../src/bus/embedded/retention.ts';

const HOUR = 3_600_000;
let dir = '';
let clock = Date.parse('2026-03-01T00:00:00Z');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-retention-unit-'));
  clock = Date.parse('2026-03-01T00:00:00Z');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('deletes the finished records behind many kept ones, over several chunks of bounded size', async () => {
  const path = join(dir, 'hookhub.db');
  const bus = await createEmbeddedBus({ path, now: () => new Date(clock), retentionMs: HOUR });
  const record = async (ref: string) => {
    clock += 1;
    await bus.record({ ref, kind: 'attempt', time: new Date(clock).toISOString(), data: {} });
  };
  const dead = ['dead-0', 'dead-1', 'dead-2'];
  for (const id of dead) {
    await bus.deadLetter({ id, subject: 'slack', payload: {}, reason: 'test', time: new Date(clock).toISOString(), attempts: [] });
    for (let n = 0; n < 3; n++) await record(id);
  }
  for (let n = 0; n < 5; n++) await record(`done-${n}`);
  await record('dead-1');
  await record('done-5');
  await bus.close();

  const db = new Database(path);
  const retention = createRetention(db, HOUR, 24 * HOUR, 4);
  const chunks: number[] = [];
  retention.begin();
  for (;;) {
    const { deleted, more } = db.transaction(() => retention.prune(clock + 2 * HOUR))();
    chunks.push(deleted);
    if (!more) break;
  }
  // 16 old records, 4 a chunk: the 10 kept ones never stop the chunks after them.
  expect(chunks).toEqual([0, 0, 3, 3, 0]);
  const left = db.prepare('SELECT ref FROM records ORDER BY created').all() as { ref: string }[];
  expect(left.map((r) => r.ref)).toEqual([...dead.flatMap((id) => [id, id, id]), 'dead-1']);
  db.close();
});
