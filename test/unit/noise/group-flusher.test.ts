import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import type { KvBucket } from '../../../src/bus/kv.ts';
import { createConsumerHealth } from '../../../src/bus/consumer-health.ts';
import { createGroupFlusher } from '../../../src/noise/group-flusher.ts';
import { holdInGroup, SENT_MEMORY_MS, type GroupState } from '../../../src/noise/groups.ts';
import { NOISE_BUCKETS } from '../../../src/noise/noise-gate.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

let bus: EventBus | undefined;
afterEach(async () => {
  await bus?.close();
  bus = undefined;
});

const job = {
  id: 'e1:digest:0',
  eventId: 'e1',
  eventType: 'github.push',
  rule: 'digest',
  index: 0,
  action: 'log',
  params: {},
  createdAt: new Date(0).toISOString(),
};

function unreadable(kv: KvBucket): KvBucket {
  return {
    get: (key) => kv.get(key),
    put: (key, value, options) => kv.put(key, value, options),
    delete: (key, options) => kv.delete(key, options),
    entries: () => Promise.reject(new Error('bucket unreadable')),
  };
}

describe('the group flusher', () => {
  it('counts a due group it cannot publish as a failed pass, not as progress', async () => {
    const opened = await openTempEmbeddedBus();
    bus = opened;
    const kv = opened.kv(NOISE_BUCKETS.groups);
    await holdInGroup(kv, { scope: 's', key: 'k', job, event: undefined, waitMs: 0, intervalMs: 60_000 }, Date.now() - 1_000);
    const metrics = createMetrics({ processMetrics: false });
    const probe = createConsumerHealth({ logger: silentLogger, metrics }).probe('noise-flusher');
    const progress: number[] = [];
    const flusher = createGroupFlusher({
      bus: {
        kv: (bucket) => opened.kv(bucket),
        publish: () => Promise.reject(new Error('bus down')),
      },
      now: () => new Date(),
      logger: silentLogger,
      tickMs: 20,
      probe: { ...probe, progress: () => void progress.push(Date.now()) },
    });
    flusher.start();
    try {
      await eventually(
        async () =>
          /hookhub_consumer_errors_total\{consumer="noise-flusher",reason="message"\} [2-9]/.test(await metrics.registry.metrics()),
        3_000,
        'failed flush passes counted',
      );
      expect(progress).toEqual([]);
    } finally {
      await flusher.stop();
    }
    expect((await kv.entries()).map((e) => e.key)).toEqual(['s|k']);
  });

  it('counts a failed sweep, still sweeps the other buckets and still flushes in that pass', async () => {
    const opened = await openTempEmbeddedBus();
    bus = opened;
    const clock = Date.now();
    await opened.kv(NOISE_BUCKETS.mutes).put('ended', { until: clock - 1 });
    const metrics = createMetrics({ processMetrics: false });
    const probe = createConsumerHealth({ logger: silentLogger, metrics }).probe('noise-flusher');
    const flusher = createGroupFlusher({
      bus: {
        kv: (bucket) => (bucket === NOISE_BUCKETS.throttle ? unreadable(opened.kv(bucket)) : opened.kv(bucket)),
        publish: (stream, message) => opened.publish(stream, message),
      },
      now: () => new Date(clock),
      logger: silentLogger,
      probe,
    });
    for (let pass = 1; pass < 60; pass++) await flusher.tick();
    expect(await opened.kv(NOISE_BUCKETS.mutes).entries()).toHaveLength(1);
    await holdInGroup(
      opened.kv(NOISE_BUCKETS.groups),
      { scope: 's', key: 'k', job, event: undefined, waitMs: 0, intervalMs: 60_000 },
      clock - 1_000,
    );
    expect(await flusher.tick()).toBe(1);
    expect(await opened.kv(NOISE_BUCKETS.mutes).entries()).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(/hookhub_consumer_errors_total\{consumer="noise-flusher",[^}]*\} 1/);
  });

  it('drops, and says so, a group an earlier version left with pending events and no item', async () => {
    const opened = await openTempEmbeddedBus();
    bus = opened;
    const kv = opened.kv(NOISE_BUCKETS.groups);
    const stuck: GroupState = { scope: 's', key: 'k', items: [], pending: 5, flushAt: 0, lastFlushAt: 0, intervalMs: 10, seq: 3 };
    await kv.put('s|k', stuck);
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_: unknown, msg: string) => void warnings.push(msg) } as unknown as Logger;
    let clock = Date.now();
    const flusher = createGroupFlusher({ bus: opened, now: () => new Date(clock), logger });
    expect(await flusher.flushDue()).toBe(0);
    expect(warnings).toEqual(['noise: a group holds events it has no job to send with; dropping them']);
    clock += SENT_MEMORY_MS;
    await flusher.flushDue();
    expect(await kv.entries()).toEqual([]);
  });
});
