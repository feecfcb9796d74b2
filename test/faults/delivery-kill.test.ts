/**
 * kill -9 the hub in the middle of deliveries to a slow sink, then restart it: every accepted
 * event is delivered, and only jobs the sink had already seen at the kill may arrive again
 * (at-least-once; their idempotency key lets the sink do the effect once).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sinkRule, type BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { startCountingSink } from './helpers/counting-sink.ts';
import { deliveryReport } from './helpers/delivery-checks.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { sendAll } from './helpers/webhook-load.ts';

const nats = useNatsServer();
const EVENTS = 40;

describe.each(['embedded', 'nats'] as const)('kill -9 mid-delivery to a slow sink (%s)', (backend) => {
  it('delivers every accepted event; only jobs seen before the kill may repeat', async () => {
    const sink = await startCountingSink(() => ({ delayMs: 400 }));
    const dir = faultDir(`delivery-kill-${backend}`);
    const bus: BusChoice = backend === 'nats' ? { type: 'nats', url: nats().url } : { type: 'embedded', path: join(dir, 'hookhub.db') };
    const hub = await createFaultHub({ dir, bus, rules: { 'sink.yaml': sinkRule(sink.url) }, allowlist: ['127.0.0.1'] });
    try {
      await hub.start();
      const ids = Array.from({ length: EVENTS }, (_, i) => `dk-${backend}-${randomUUID().slice(0, 8)}-${i}`);
      const answers = await sendAll(hub.url, ids, 8);
      const accepted = answers.filter((a) => a.outcome === 202).map((a) => a.id);
      expect(accepted).toHaveLength(EVENTS);

      await eventually(() => sink.received.size >= 8, 30_000, 'deliveries to start');
      await hub.kill('SIGKILL');
      // Requests the hub wrote just before it died are still in the kernel's socket buffers and reach
      // the sink a moment later: they were sent before the kill, so they may legitimately repeat.
      await new Promise((r) => setTimeout(r, 500));
      const seenAtKill = new Set(sink.keys());
      expect(seenAtKill.size).toBeLessThan(EVENTS);

      await hub.start();
      // Jobs leased by the killed process come back after the ack wait (30 s by default).
      await eventually(() => deliveryReport(sink, accepted, ids).undelivered.length === 0, 90_000, 'every event delivered');
      await new Promise((r) => setTimeout(r, 1_500));
      const report = deliveryReport(sink, accepted, ids);
      expect(report.undelivered).toEqual([]);
      expect(report.unknown).toEqual([]);
      expect(report.repeated.filter((key) => !seenAtKill.has(key))).toEqual([]);
    } finally {
      await stopAll([hub]);
      await sink.close();
    }
  }, 150_000);
});
