/**
 * Two hub processes share one NATS: every job runs exactly once while both live, and after one
 * is killed (kill -9) the other finishes its work, so nothing accepted is lost.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sinkRule, type BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { startCountingSink } from './helpers/counting-sink.ts';
import { deliveryReport } from './helpers/delivery-checks.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { sendAll, startLoad } from './helpers/webhook-load.ts';

const nats = useNatsServer();

describe('two hubs on one NATS', () => {
  it('run every job once, and the survivor finishes the work of a killed hub', async () => {
    const sink = await startCountingSink(() => ({ delayMs: 50 }));
    const bus: BusChoice = { type: 'nats', url: nats().url };
    const spec = { bus, rules: { 'sink.yaml': sinkRule(sink.url) }, allowlist: ['127.0.0.1'] };
    const a = await createFaultHub({ ...spec, dir: faultDir('two-hubs-a') });
    const b = await createFaultHub({ ...spec, dir: faultDir('two-hubs-b') });
    try {
      await Promise.all([a.start(), b.start()]);
      const run = randomUUID().slice(0, 8);
      const ids = Array.from({ length: 200 }, (_, i) => `both-${run}-${i}`);
      const first = await Promise.all([
        sendAll(
          a.url,
          ids.filter((_, i) => i % 2 === 0),
          8,
        ),
        sendAll(
          b.url,
          ids.filter((_, i) => i % 2 === 1),
          8,
        ),
      ]);
      const accepted = first
        .flat()
        .filter((x) => x.outcome === 202)
        .map((x) => x.id);
      expect(accepted).toHaveLength(ids.length);
      await eventually(() => deliveryReport(sink, accepted, ids).undelivered.length === 0, 60_000, 'phase 1 delivered');
      await new Promise((r) => setTimeout(r, 1_000));
      const phase1 = deliveryReport(sink, accepted, ids);
      expect(phase1.repeated).toEqual([]);
      expect(phase1.unknown).toEqual([]);

      // Phase 2: load on both, kill -9 one of them in the middle, keep sending to the survivor.
      let target = (): string => a.url;
      let turn = 0;
      const load = startLoad(() => (turn++ % 2 === 0 ? target() : b.url), `kill-${run}`, 8, 5);
      await eventually(() => load.accepted().length >= 200, 30_000, 'phase 2 load');
      await a.kill('SIGKILL');
      target = () => b.url;
      // Jobs in flight at the kill may run again (at least once, same idempotency key): what the killed hub
      // sent up to its death reaches the sink a moment later, so the snapshot waits for it.
      await new Promise((r) => setTimeout(r, 200));
      const seenAtKill = new Set(sink.keys());
      await eventually(() => load.accepted().length >= 400, 30_000, 'load on the survivor');
      const answers = await load.stop();
      const accepted2 = answers.filter((x) => x.outcome === 202).map((x) => x.id);
      const sent2 = answers.map((x) => x.id);
      // The killed hub's unacked events and jobs come back to the survivor after the ack wait (30 s).
      await eventually(() => deliveryReport(sink, accepted2, sent2).undelivered.length === 0, 90_000, 'phase 2 delivered');
      await new Promise((r) => setTimeout(r, 1_500));
      const phase2 = deliveryReport(sink, accepted2, [...ids, ...sent2]);
      expect(phase2.undelivered).toEqual([]);
      expect(phase2.unknown).toEqual([]);
      expect(phase2.repeated.filter((key) => !seenAtKill.has(key))).toEqual([]);
    } finally {
      await stopAll([a, b]);
      await sink.close();
    }
  }, 180_000);
});
