/**
 * kill -9 the hub while it ingests at load, then restart it: every webhook answered 202 before the
 * kill is stored, is a duplicate when sent again, and the embedded SQLite file is consistent.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { missingEvents } from './helpers/stored-events.ts';
import { sendAll, startLoad } from './helpers/webhook-load.ts';

const nats = useNatsServer();

function integrityCheck(path: string): string {
  const db = new Database(path);
  try {
    return (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
  } finally {
    db.close();
  }
}

describe.each(['embedded', 'nats'] as const)('kill -9 while ingesting (%s)', (backend) => {
  it('every 202 survives the crash and the restart; re-sent ids are duplicates', async () => {
    const dir = faultDir(`ingest-kill-${backend}`);
    const bus: BusChoice = backend === 'nats' ? { type: 'nats', url: nats().url } : { type: 'embedded', path: join(dir, 'hookhub.db') };
    const hub = await createFaultHub({ dir, bus });
    try {
      await hub.start();
      const load = startLoad(() => hub.url, `kill-${backend}-${randomUUID().slice(0, 8)}`, 16);
      await eventually(() => load.accepted().length >= 1_000, 30_000, '1,000 accepted webhooks');
      await hub.kill('SIGKILL');
      const answers = await load.stop();
      const accepted = answers.filter((a) => a.outcome === 202).map((a) => a.id);
      // Requests cut by the kill got a connection error, never a 2xx: the provider would retry those.
      expect(answers.every((a) => a.outcome === 202 || a.outcome === 'error')).toBe(true);

      if (bus.type === 'embedded') expect(integrityCheck(bus.path)).toBe('ok');

      await hub.start();
      const resent = await sendAll(hub.url, accepted.slice(-100));
      expect(resent.map((a) => a.outcome)).toEqual(resent.map(() => 202));
      expect(resent.filter((a) => !a.body.includes('"duplicate":true')).map((a) => a.id)).toEqual([]);
      await hub.kill('SIGTERM');

      expect(await missingEvents(bus, accepted)).toEqual([]);
      if (bus.type === 'embedded') expect(integrityCheck(bus.path)).toBe('ok');
    } finally {
      await stopAll([hub]);
    }
  }, 120_000);
});
