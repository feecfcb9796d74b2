/**
 * A retry of many dead letters that the bus fails part way: a SQLite trigger refuses to store one job,
 * as a full disk would, on a real embedded bus file.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import { registerDlqCommand } from '../../src/cli/dlq-command.ts';
import { tempDir } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer, startApiHub } from './api-harness.ts';
import { makeJob } from './delivery-harness.ts';

let dir: string;
let path: string;
const IDS = ['a:r:0', 'b:r:0', 'c:r:0'];

beforeEach(async () => {
  dir = tempDir('hookhub-dlq-stopped-');
  path = join(dir, 'hookhub.db');
  const bus = await createEmbeddedBus({ path });
  for (const [i, id] of IDS.entries()) {
    const payload = makeJob('webhook', { url: 'https://example.com' }, id);
    const time = new Date(Date.UTC(2020, 0, 1, 0, i)).toISOString();
    await bus.deadLetter({ id, subject: 'webhook', payload, reason: 'permanent failure: HTTP 400', time, attempts: [] });
  }
  await bus.close();
  const db = new Database(path);
  db.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON messages WHEN NEW.stream = 'jobs' AND NEW.id = 'b:r:0'
           BEGIN SELECT RAISE(ABORT, 'the disk is full'); END`);
  db.close();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function remaining(): Promise<string[]> {
  const bus = await createEmbeddedBus({ path });
  const letters = await bus.deadLetters({ limit: 10 });
  await bus.close();
  return letters.map((l) => l.id);
}

describe('retrying all dead letters when the bus fails part way', () => {
  it('hookhub dlq retry --all prints what it retried, then the error, and fails', async () => {
    let out = '';
    const program = new Command('hookhub').exitOverride();
    registerDlqCommand(program, {
      openBus: () => createEmbeddedBus({ path }),
      loadHidden: () => Promise.resolve({ values: new Set(), warnings: [] }),
      write: (text) => (out += text),
    });
    await expect(program.parseAsync(['node', 'hookhub', 'dlq', 'retry', '--all'])).rejects.toThrow(
      /^retrying stopped at dead letter "b:r:0", after 1 retried: .*the disk is full.*still dead letters/,
    );
    expect(out).toBe('retried a:r:0\n1 job(s) queued for delivery\n');
    expect(await remaining()).toEqual(['b:r:0', 'c:r:0']);
  });

  it('POST /api/dlq/retry answers 503 with what it retried before it stopped', async () => {
    const bus = await createEmbeddedBus({ path });
    const hub = await startApiHub({ bus });
    try {
      const res = await fetch(`${hub.base}/api/dlq/retry`, {
        method: 'POST',
        headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
        body: JSON.stringify({ all: true }),
      });
      expect(res.status).toBe(503);
      // A script retrying the call waits as for the hub's other 503s.
      expect(res.headers.get('retry-after')).toBe('5');
      expect(await res.json()).toEqual({
        error: expect.stringMatching(/^retrying stopped at dead letter "b:r:0", after 1 retried/) as unknown,
        retried: [{ id: 'a:r:0', subject: 'webhook' }],
        missing: [],
        busy: [],
      });
    } finally {
      await hub.stop();
      await bus.close();
    }
  });
});
