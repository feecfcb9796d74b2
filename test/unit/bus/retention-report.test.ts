import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../src/bus/embedded/embedded-bus.ts';
import type { RetentionReport } from '../../../src/bus/event-bus.ts';
import { createNatsBus } from '../../../src/bus/nats/nats-bus.ts';
import { eventually, tempDir } from '../../helpers/hub-fixtures.ts';
import { startNatsServer, type NatsServerHandle } from '../../helpers/nats-server.ts';

describe('retention sweeps report how they went', () => {
  let nats: NatsServerHandle | undefined;
  afterEach(async () => {
    await nats?.stop();
    nats = undefined;
  });

  it('reports a NATS sweep that fails while NATS is away, and the sweeps after it', async () => {
    nats = await startNatsServer();
    const seen = { swept: 0, failures: [] as unknown[] };
    const retentionReport: RetentionReport = { swept: () => (seen.swept += 1), failed: (error) => seen.failures.push(error) };
    const bus = await createNatsBus({ url: nats.url, prefix: 'sweeps', pruneEveryMs: 100, timeoutMs: 500, retentionReport });
    try {
      await eventually(() => seen.swept > 0 || undefined, 10_000, 'a sweep');
      await nats.halt();
      await eventually(() => seen.failures.length > 0 || undefined, 10_000, 'a failed sweep');
      expect(seen.failures[0]).toBeInstanceOf(Error);
      await nats.restart();
      const before = seen.swept;
      await eventually(() => seen.swept > before || undefined, 20_000, 'a sweep after NATS came back');
    } finally {
      await bus.close();
    }
  }, 60_000);

  it('reports each embedded sweep', async () => {
    const seen = { swept: 0, failures: [] as unknown[] };
    const retentionReport: RetentionReport = { swept: () => (seen.swept += 1), failed: (error) => seen.failures.push(error) };
    const bus = await createEmbeddedBus({ path: join(tempDir(), 'hub.db'), pruneEveryMs: 50, retentionReport });
    try {
      await eventually(() => seen.swept >= 2 || undefined, 10_000, 'two sweeps');
      expect(seen.failures).toEqual([]);
    } finally {
      await bus.close();
    }
  });
});
