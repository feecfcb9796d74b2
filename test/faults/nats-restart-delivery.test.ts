/**
 * NATS restarts while the hub is delivering jobs to a sink: the consumers report the outage and keep
 * going, and every webhook answered 202 is delivered once NATS is back.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sinkRule, type BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { startCountingSink } from './helpers/counting-sink.ts';
import { deliveryReport } from './helpers/delivery-checks.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { sendAll } from './helpers/webhook-load.ts';

const nats = useNatsServer();

describe('NATS restarts while jobs are delivered', () => {
  it('delivers every acknowledged webhook after NATS is back', async () => {
    // A slow sink keeps jobs in flight while NATS goes away: 500 jobs at 16 per destination take ~6 s.
    const sink = await startCountingSink(() => ({ delayMs: 200 }));
    const bus: BusChoice = { type: 'nats', url: nats().url };
    const dir = faultDir('nats-restart');
    const hub = await createFaultHub({ dir, bus, rules: { 'sink.yaml': sinkRule(sink.url) }, allowlist: ['127.0.0.1'] });
    try {
      const proc = await hub.start();
      const run = randomUUID().slice(0, 8);
      const ids = Array.from({ length: 500 }, (_, i) => `nr-${run}-${i}`);
      const answers = await sendAll(hub.url, ids, 16);
      const accepted = answers.filter((a) => a.outcome === 202).map((a) => a.id);
      expect(accepted.length).toBe(ids.length);
      await eventually(() => sink.effects.size >= 50, 30_000, 'deliveries under way');
      expect(sink.effects.size).toBeLessThan(accepted.length);

      await nats().halt();
      await new Promise((r) => setTimeout(r, 3_000));
      await nats().restart();

      await eventually(() => deliveryReport(sink, accepted, ids).undelivered.length === 0, 120_000, 'every acknowledged webhook delivered');
      expect(deliveryReport(sink, accepted, ids).unknown).toEqual([]);
      // The outage was seen and said, not swallowed.
      expect(proc.output()).toMatch(
        /"consumer":"(router|workers)".*NATS cannot be reached|NATS cannot be reached.*"consumer":"(router|workers)"/,
      );
      console.log(
        `nats restart: acknowledged ${accepted.length}, delivered ${accepted.filter((id) => sink.effects.has(`${id}:to-sink:0`)).length}`,
      );
    } finally {
      await stopAll([hub]);
      await sink.close();
    }
  }, 240_000);
});
