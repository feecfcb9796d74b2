/**
 * A read-only data folder for the embedded store: the hub must say which file it cannot write and
 * answer 503 (so providers retry), instead of exiting and being restarted in a loop.
 * Root ignores file modes, so the hub runs as `nobody` when the tests run as root.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BusChoice } from '../../bench/lib/hub-config.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { sendWebhook } from './helpers/webhook-load.ts';

const asUser = process.getuid?.() === 0 ? { user: { uid: 65534, gid: 65534 } } : {};

describe('read-only data folder', () => {
  it('keeps the hub up, answering 503 with the file it cannot write', async () => {
    const dir = faultDir('read-only');
    const data = join(dir, 'data');
    mkdirSync(data);
    const bus: BusChoice = { type: 'embedded', path: join(data, 'hookhub.db') };
    const hub = await createFaultHub({ dir, bus }, asUser);
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'hookhub.yaml'), 0o644);
    chmodSync(join(dir, 'rules'), 0o755);
    chmodSync(data, 0o555);
    try {
      const proc = await hub.start();
      const answer = await sendWebhook(hub.url, 'read-only-1');
      expect(answer.outcome).toBe(503);
      const ready = await fetch(`${hub.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toContain(bus.path);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(proc.child.exitCode).toBeNull();
    } finally {
      await stopAll([hub]);
      chmodSync(data, 0o755);
    }
  }, 60_000);
});
