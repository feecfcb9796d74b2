/**
 * The embedded store runs out of space while the hub ingests (RLIMIT_FSIZE on the hub process: its
 * file writes fail like on a full disk): the hub answers 503, logs the file it cannot write, stays up, no
 * 202 is lost, it accepts again once space is back, and the SQLite file is consistent.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { missingEvents } from './helpers/stored-events.ts';
import { sendAll, sendWebhook } from './helpers/webhook-load.ts';

/** Sets the soft file-size limit of a running process (`prlimit` from util-linux). */
function limitFileSize(pid: number, bytes: number | 'unlimited'): void {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${bytes}:unlimited`]);
}

/** The larger of the data file and its WAL, in bytes. */
function largestFile(path: string): number {
  return Math.max(...[path, `${path}-wal`].map((file) => (existsSync(file) ? statSync(file).size : 0)));
}

async function readiness(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, text: await res.text() };
}

describe('embedded store runs out of space', () => {
  it('answers 503 with the reason, stays up, loses no 202 and recovers when space is back', async () => {
    const dir = faultDir('disk-full');
    const bus: BusChoice = { type: 'embedded', path: join(dir, 'data', 'hookhub.db') };
    const hub = await createFaultHub({ dir, bus });
    try {
      const proc = await hub.start();
      const run = randomUUID().slice(0, 8);
      const before = await sendAll(
        hub.url,
        Array.from({ length: 20 }, (_, i) => `df-${run}-a${i}`),
        4,
      );
      expect(before.map((a) => a.outcome)).toEqual(before.map(() => 202));

      // Room for some more commits, not for 1,500 events: the files grow by whole pages (16 KB in a new file).
      limitFileSize(proc.pid, largestFile(bus.path) + 1_000_000);
      const full = await sendAll(
        hub.url,
        Array.from({ length: 1_500 }, (_, i) => `df-${run}-b${i}`),
        8,
      );
      expect([...new Set(full.map((a) => a.outcome))].sort()).toEqual([202, 503]);
      // The operator learns why: the log names the file and the failing write (JSON lines are written within 100 ms).
      await eventually(() => proc.output().includes(`cannot write its data file ${bus.path}`), 2_000, 'the log line naming the data file');
      expect(proc.child.exitCode).toBeNull();

      limitFileSize(proc.pid, 'unlimited');
      await eventually(async () => (await sendWebhook(hub.url, `df-${run}-c${randomUUID()}`)).outcome === 202, 30_000, 'accepting again');
      await eventually(async () => (await readiness(hub.url)).status === 200, 30_000, '/readyz to recover');

      await hub.kill('SIGKILL');
      const db = new Database(bus.path);
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
      const accepted = [...before, ...full].filter((a) => a.outcome === 202).map((a) => a.id);
      expect(await missingEvents(bus, accepted)).toEqual([]);
    } finally {
      await stopAll([hub]);
    }
  }, 120_000);
});
