import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { classifyFailure } from '../../../src/bus/consumer-failure.ts';
import { RetryingBus } from '../../../src/bus/retrying-bus.ts';
import { eventually, silentLogger, tempDir } from '../../helpers/hub-fixtures.ts';

describe('RetryingBus', () => {
  it('rejects writes and reports why until the store opens, then works, and consumers started early get messages', async () => {
    const path = join(tempDir(), 'hookhub.db');
    let healthy = false;
    let attempts = 0;
    const bus = new RetryingBus({
      kind: 'embedded',
      logger: silentLogger,
      minDelayMs: 20,
      open: async (): Promise<EventBus> => {
        attempts++;
        if (!healthy) throw new Error('disk is read-only');
        return createEmbeddedBus({ path });
      },
    });
    await bus.firstAttempt;
    await expect(bus.publish('events', { id: 'a', subject: 'x.y', payload: 1 })).rejects.toThrow(
      /event store unavailable: disk is read-only/,
    );
    expect(await bus.status()).toEqual({ ok: false, detail: 'disk is read-only' });
    const early = bus.consume<number>('events', 'early', { ackWaitMs: 1000 });
    const seen: number[] = [];
    const reading = (async () => {
      for await (const delivery of early) {
        seen.push(delivery.payload);
        await delivery.ack();
      }
    })();

    healthy = true;
    await eventually(async () => (await bus.status()).ok, 5000, 'the store to open');
    expect(attempts).toBeGreaterThan(1);
    expect(await bus.publish('events', { id: 'b', subject: 'x.y', payload: 2 })).toEqual({ duplicate: false });
    await eventually(() => seen.includes(2), 5000, 'the early consumer to receive');
    await early.stop();
    await reading;
    await bus.close();
  });

  it("counts a call made before the bus opened as the store's or NATS's failure, never a message's", async () => {
    for (const [kind, reason] of [
      ['nats', 'bus_unreachable'],
      ['embedded', 'storage_down'],
    ] as const) {
      const bus = new RetryingBus({ kind, logger: silentLogger, open: () => Promise.reject(new Error('Authorization Violation')) });
      await bus.firstAttempt;
      // What the noise flusher and the subscriptions refresh call every pass, before any consumer runs.
      const error: unknown = await bus
        .kv('noise-groups')
        .entries()
        .catch((err: unknown) => err);
      expect((error as Error).message).toBe('event store unavailable: Authorization Violation');
      expect(classifyFailure(error)).toBe(reason);
      await bus.close();
    }
  });

  it('stops a consumer cleanly when the store never opened', async () => {
    const bus = new RetryingBus({ kind: 'embedded', logger: silentLogger, minDelayMs: 20, open: () => Promise.reject(new Error('no')) });
    await bus.firstAttempt;
    const sub = bus.consume('jobs', 'workers');
    const done = (async () => {
      for await (const _ of sub) throw new Error('nothing should be delivered');
    })();
    await sub.stop();
    await done;
    await bus.close();
  });
});
