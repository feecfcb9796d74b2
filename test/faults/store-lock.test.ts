/**
 * Another process holds the embedded store's write lock for 8 s in the middle of a burst (a backup, or
 * `sqlite3` from a shell): the hub answers 503 for what it cannot store, /readyz answers all along and reports the stalled
 * consumer during the lock and recovers after, and every webhook answered 202 is delivered.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sinkRule, type BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { startCountingSink } from './helpers/counting-sink.ts';
import { deliveryReport } from './helpers/delivery-checks.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { sendAll } from './helpers/webhook-load.ts';

/** Another process takes the write lock, holds it for `ms` and exits: resolves once it has let go. */
function holdWriteLock(path: string, ms: number): Promise<void> {
  const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(path)}); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(exited));
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code} before taking the lock`)));
  });
}

describe('the embedded store is locked by another process', () => {
  it('delivers every acknowledged webhook, and /readyz reports the stall, then recovers', async () => {
    // A sink that takes a little while keeps jobs pending when the lock is taken, so there is work that cannot progress.
    const sink = await startCountingSink(() => ({ delayMs: 40 }));
    const dir = faultDir('store-lock');
    const bus: BusChoice = { type: 'embedded', path: join(dir, 'hookhub.db') };
    const hub = await createFaultHub({ dir, bus, rules: { 'sink.yaml': sinkRule(sink.url) }, allowlist: ['127.0.0.1'], stallAfter: '2s' });
    const readiness: { at: number; status: number; body: string }[] = [];
    let watching = true;
    let unanswered = 0;
    try {
      await hub.start();
      const run = randomUUID().slice(0, 8);
      const ids = Array.from({ length: 600 }, (_, i) => `lock-${run}-${i}`);
      const watch = (async () => {
        while (watching) {
          // Writes wait for the lock on a timer, not in SQLite's busy handler: the hub answers all along.
          const res = await fetch(`${hub.url}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
          if (res) readiness.push({ at: Date.now(), status: res.status, body: await res.text() });
          else unanswered += 1;
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const burst = sendAll(hub.url, ids, 8);
      await eventually(() => sink.received.size >= 20, 30_000, 'deliveries under way');
      await holdWriteLock(bus.path, 8_000);
      const answers = await burst;
      const accepted = answers.filter((a) => a.outcome === 202).map((a) => a.id);
      const outcomes = new Set(answers.map((a) => a.outcome));
      // Nothing but 202 (stored) and 503 (refused while locked, the provider retries).
      expect([...outcomes].every((o) => o === 202 || o === 503)).toBe(true);
      expect(accepted.length).toBeGreaterThan(100);

      await eventually(() => deliveryReport(sink, accepted, ids).undelivered.length === 0, 90_000, 'every acknowledged webhook delivered');
      await eventually(async () => (await fetch(`${hub.url}/readyz`)).status === 200, 30_000, '/readyz to recover');
      watching = false;
      await watch;
      const stalled = readiness.filter((r) => r.status === 503 && r.body.includes('"stalled"'));
      expect(stalled.length).toBeGreaterThan(0);
      expect(stalled[0]?.body).toMatch(/"consumer":"(router|workers)"/);
      expect(stalled[0]?.body).toContain('storage busy');
      expect(readiness.at(-1)?.status).toBe(200);
      expect(unanswered).toBe(0);
      console.log(
        `store lock: sent ${ids.length}, acknowledged ${accepted.length}, delivered ${accepted.filter((id) => sink.effects.has(`${id}:to-sink:0`)).length}, /readyz stalled for ${stalled.length} of ${readiness.length} probes, ${unanswered} unanswered`,
      );
      expect(deliveryReport(sink, accepted, ids).unknown).toEqual([]);
    } finally {
      watching = false;
      await stopAll([hub]);
      await sink.close();
    }
  }, 180_000);
});
