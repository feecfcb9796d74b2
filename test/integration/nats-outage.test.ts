import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { eventually, message, pump, type Pump } from '../contract/bus-contract-helpers.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

/** Resolves to how the promise settled and how long it took, so a hang shows up as a timeout. */
async function settle(work: Promise<unknown>): Promise<{ outcome: 'resolved' | 'rejected'; error?: unknown; ms: number }> {
  const started = Date.now();
  try {
    await work;
    return { outcome: 'resolved', ms: Date.now() - started };
  } catch (error) {
    return { outcome: 'rejected', error, ms: Date.now() - started };
  }
}

describe('NATS bus through a nats-server outage (same bus object, no restart)', () => {
  let server: NatsServerHandle;
  let bus: NatsBus;
  let consumer: Pump | undefined;

  beforeEach(async () => {
    server = await startNatsServer();
    bus = await createNatsBus({ url: server.url, timeoutMs: 2_000 });
  });

  afterEach(async () => {
    await consumer?.stop();
    await bus.close();
    await server.stop();
  });

  for (const how of ['halt', 'kill'] as const) {
    it(`rejects publishes while NATS is down (${how}) and recovers by itself when it is back`, async () => {
      const acked: string[] = [];
      consumer = pump(bus.consume('events', 'router', { ackWaitMs: 5_000 }), async (d) => {
        await d.ack();
        acked.push(d.id);
      });
      await bus.publish('events', message('before'));
      // Wait for the ack itself: an ack in flight when NATS dies rejects (the message comes back later).
      await eventually(() => acked.includes('before'), 'the delivery before the outage to be acked');

      await server[how]();
      // Right after the stop the client may not have noticed yet: publish must still settle, as a rejection.
      const during = await settle(bus.publish('events', message('during')));
      expect(during.outcome).toBe('rejected');
      expect(String(during.error)).toMatch(/NATS/);
      expect(during.ms).toBeLessThan(10_000);
      await eventually(async () => !(await bus.status()).ok, 'status ok:false while NATS is down');
      const status = await bus.status();
      expect(status.detail).toMatch(/NATS|JetStream/);
      const later = await settle(bus.publish('events', message('during2')));
      expect(later.outcome).toBe('rejected');
      expect(later.ms).toBeLessThan(10_000);

      await server.restart();
      await eventually(async () => (await bus.status()).ok, 'status ok after NATS is back', 20_000);
      expect(await bus.publish('events', message('after'))).toEqual({ duplicate: false });
      // Messages stored before the outage survived it (file store, same store dir).
      expect((await bus.get('events', 'before'))?.id).toBe('before');
      await eventually(
        () => consumer!.received.some((d) => d.id === 'after'),
        'the consumer created before the outage to receive a new message',
        20_000,
      );
    });
  }
});
