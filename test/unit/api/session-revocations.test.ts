import { afterEach, describe, expect, it } from 'vitest';
import { createSessionRevocations, SESSION_REVOCATIONS_BUCKET } from '../../../src/api/session-revocations.ts';
import { createConsumerHealth } from '../../../src/bus/consumer-health.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import type { KvBucket, KvEntry } from '../../../src/bus/kv.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

let clock = Date.parse('2026-01-31T12:00:00Z');
const now = () => new Date(clock);
const HOUR = 3_600_000;
let buses: EventBus[] = [];

afterEach(async () => {
  await Promise.all(buses.map((b) => b.close()));
  buses = [];
});

async function openBus(): Promise<EventBus> {
  const bus = await openTempEmbeddedBus();
  buses.push(bus);
  return bus;
}

/** The bus's bucket, counting full reads (each process reads the change key, and every entry only when it moved). */
function counted(kv: KvBucket): KvBucket & { fullReads: number } {
  const wrapped = {
    fullReads: 0,
    get: kv.get.bind(kv),
    put: kv.put.bind(kv),
    delete: kv.delete.bind(kv),
    entries<T>(): Promise<KvEntry<T>[]> {
      wrapped.fullReads += 1;
      return kv.entries<T>();
    },
  };
  return wrapped;
}

/**
 * The bucket as a NATS hub may read it: the change key from a current replica, the entries from one that lags
 * (as it was when `lag()` was called, a consistent but older copy) until `catchUp()`.
 */
function laggingEntries(kv: KvBucket): KvBucket & { lag(): Promise<void>; catchUp(): void } {
  let copy: KvEntry[] | undefined;
  return {
    get: kv.get.bind(kv),
    put: kv.put.bind(kv),
    delete: kv.delete.bind(kv),
    entries: <T>() => (copy ? Promise.resolve(copy as KvEntry<T>[]) : kv.entries<T>()),
    async lag() {
      copy = await kv.entries();
    },
    catchUp() {
      copy = undefined;
    },
  };
}

describe('session revocations shared through the bus kv', () => {
  it('brings a logout made by one process to another at its refresh, and tells it', async () => {
    const bus = await openBus();
    let told = 0;
    const here = createSessionRevocations({ kv: bus.kv(SESSION_REVOCATIONS_BUCKET), now, logger: silentLogger });
    const kv = counted(bus.kv(SESSION_REVOCATIONS_BUCKET));
    const there = createSessionRevocations({ kv, now, logger: silentLogger, onRevoke: () => told++ });
    await there.refresh();
    expect(kv.fullReads).toBe(1);

    await here.revoke('nonce-1', clock + HOUR);
    expect(here.has('nonce-1')).toBe(true);
    expect(there.has('nonce-1')).toBe(false);
    await there.refresh();
    expect(there.has('nonce-1')).toBe(true);
    expect(told).toBe(1);
    expect(kv.fullReads).toBe(2);

    // Nothing changed: one key read, no full read, nobody told.
    await there.refresh();
    expect(kv.fullReads).toBe(2);
    expect(told).toBe(1);
  });

  it('learns a logout at the next refresh when a lagging replica listed the entries from before it', async () => {
    const bus = await openBus();
    const here = createSessionRevocations({ kv: bus.kv(SESSION_REVOCATIONS_BUCKET), now, logger: silentLogger });
    const kv = laggingEntries(bus.kv(SESSION_REVOCATIONS_BUCKET));
    let told = 0;
    const there = createSessionRevocations({ kv, now, logger: silentLogger, onRevoke: () => told++ });
    await here.revoke('first', clock + HOUR);
    await there.refresh();
    expect(there.has('first')).toBe(true);

    await kv.lag();
    await here.revoke('second', clock + HOUR);
    // The change key has moved, but the entries read are the lagging copy's: nothing to learn yet.
    await there.refresh();
    expect(there.has('second')).toBe(false);

    kv.catchUp();
    clock += 2_000;
    await there.refresh();
    expect(there.has('second')).toBe(true);
    expect(told).toBe(2);
  });

  it('forgets a revocation once its session expired, and removes it from the bucket a margin later', async () => {
    const bus = await openBus();
    const kv = bus.kv(SESSION_REVOCATIONS_BUCKET);
    const here = createSessionRevocations({ kv, now, logger: silentLogger });
    const there = createSessionRevocations({ kv, now, logger: silentLogger });
    await here.revoke('short', clock + 1_000);
    await here.revoke('long', clock + HOUR);
    await there.refresh();
    expect(there.has('short') && there.has('long')).toBe(true);

    clock += 2_000;
    await there.refresh();
    expect(there.has('short')).toBe(false);
    expect(there.has('long')).toBe(true);
    // Still in the bucket: another hub's clock may be behind this one's.
    expect(await kv.get('short')).toBeDefined();

    clock += 10 * 60_000;
    await there.refresh();
    expect(await kv.get('short')).toBeUndefined();
    expect(await kv.get('long')).toBeDefined();
  });

  it('ends the live streams of a logout it learnt even when removing expired entries then fails', async () => {
    const bus = await openBus();
    const here = createSessionRevocations({ kv: bus.kv(SESSION_REVOCATIONS_BUCKET), now, logger: silentLogger });
    const kv = counted(bus.kv(SESSION_REVOCATIONS_BUCKET));
    let told = 0;
    const there = createSessionRevocations({ kv, now, logger: silentLogger, onRevoke: () => told++ });
    await here.revoke('old', clock + 1_000);
    clock += 10 * 60_000;
    await here.revoke('new', clock + HOUR);
    // The bus answers the pass's read of the entries, then fails (the sweep of 'old' reads them again).
    const entries = kv.entries.bind(kv);
    kv.entries = <T>() => (kv.fullReads === 0 ? entries<T>() : Promise.reject(new Error('bus gone')));
    await expect(there.refresh()).rejects.toThrow('bus gone');
    expect(there.has('new')).toBe(true);
    expect(told).toBe(1);
  });

  it('rejects a logout the bus does not take, and revokes nothing', async () => {
    const bus = await openBus();
    let told = 0;
    const revocations = createSessionRevocations({
      kv: bus.kv(SESSION_REVOCATIONS_BUCKET),
      now,
      logger: silentLogger,
      onRevoke: () => told++,
    });
    await bus.close();
    await expect(revocations.revoke('nonce', clock + HOUR)).rejects.toThrow();
    expect(revocations.has('nonce')).toBe(false);
    expect(told).toBe(0);
  });

  it('keeps refreshing through failures and reports them as a failing loop', async () => {
    const bus = await openBus();
    const health = createConsumerHealth({ logger: silentLogger, stallAfterMs: 1 });
    const revocations = createSessionRevocations({
      kv: bus.kv(SESSION_REVOCATIONS_BUCKET),
      now,
      logger: silentLogger,
      probe: health.probe('session-revocations'),
      intervalMs: 20,
    });
    await bus.close();
    revocations.start();
    try {
      const loop = await eventually(async () => {
        await health.check();
        return health.failingLoops().find((l) => l.loop === 'session-revocations' && l.failures >= 3);
      });
      expect(loop?.failures).toBeGreaterThanOrEqual(3);
    } finally {
      revocations.stop();
    }
  });
});
