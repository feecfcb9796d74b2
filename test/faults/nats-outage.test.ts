/**
 * Stop NATS while the hub ingests: while it is down the hub answers 503 (never 202), /readyz says
 * not ready, and once NATS is back the hub accepts again by itself. Every 202 is stored.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { missingEvents } from './helpers/stored-events.ts';
import { startLoad } from './helpers/webhook-load.ts';

const nats = useNatsServer();

async function readyStatus(url: string): Promise<number> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  await res.arrayBuffer();
  return res.status;
}

describe('NATS stops while the hub ingests', () => {
  it('answers 503 and never 202 while NATS is down, recovers when it is back, loses no 202', async () => {
    const bus: BusChoice = { type: 'nats', url: nats().url };
    const hub = await createFaultHub({ dir: faultDir('nats-outage'), bus });
    try {
      await hub.start();
      const load = startLoad(() => hub.url, `outage-${randomUUID().slice(0, 8)}`, 8, 5);
      await eventually(() => load.accepted().length >= 300, 30_000, '300 accepted before the outage');

      await nats().halt();
      const downSince = Date.now();
      await eventually(async () => (await readyStatus(hub.url)) === 503, 15_000, '/readyz to report the outage');
      // Long enough that, even on a loaded machine, requests outlast the client's disconnect detection
      // (publishes in flight at the moment NATS dies wait out their 3 s timeout) and get a fast 503.
      await new Promise((r) => setTimeout(r, 8_000));
      const restartAt = Date.now();
      await nats().restart();
      await eventually(async () => (await readyStatus(hub.url)) === 200, 30_000, '/readyz to recover');
      const acceptedBefore = load.accepted().length;
      await eventually(() => load.accepted().length >= acceptedBefore + 300, 30_000, '300 accepted after the outage');
      const answers = await load.stop();

      // Requests that started after NATS was gone and were answered before it came back.
      const duringOutage = answers.filter((a) => a.startedAt > downSince && a.endedAt < restartAt);
      expect(duringOutage.length).toBeGreaterThan(10);
      expect([...new Set(duringOutage.map((a) => a.outcome))]).toEqual([503]);
      // The hub process itself never went away.
      expect(answers.filter((a) => a.outcome === 'error')).toEqual([]);
      await hub.kill('SIGTERM');

      const accepted = answers.filter((a) => a.outcome === 202).map((a) => a.id);
      expect(await missingEvents(bus, accepted)).toEqual([]);
    } finally {
      await stopAll([hub]);
    }
  }, 150_000);
});
