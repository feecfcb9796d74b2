import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { JetStreamApiError, JetStreamError } from '@nats-io/jetstream';
import { classifyFailure, failureBackoffMs } from '../../../src/bus/consumer-failure.ts';
import { createConsumerHealth } from '../../../src/bus/consumer-health.ts';
import { NatsUnavailableError } from '../../../src/bus/nats/nats-unavailable-error.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';

function captureLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
  return { logger, lines };
}

const sqlite = (code: string) => Object.assign(new Error(code), { code });

describe('consumer failures', () => {
  it('are classified: storage busy, storage down, bus unreachable, or this message', () => {
    expect(classifyFailure(sqlite('SQLITE_BUSY'))).toBe('storage_busy');
    expect(classifyFailure(sqlite('SQLITE_FULL'))).toBe('storage_down');
    expect(classifyFailure(Object.assign(new Error('x'), { name: 'ConnectionError' }))).toBe('bus_unreachable');
    expect(classifyFailure(new JetStreamError('heartbeats missed'))).toBe('bus_unreachable');
    expect(classifyFailure(Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' }))).toBe('bus_unreachable');
    expect(classifyFailure(new NatsUnavailableError('NATS bus publish not confirmed within 3000 ms'))).toBe('bus_unreachable');
    expect(classifyFailure(new TypeError("Cannot read properties of null (reading 'id')"))).toBe('message');
  });

  it('class a JetStream API answer of 503 (no leader during an election, resources exhausted) as the bus, other API errors as the message', () => {
    const api = (code: number, errCode: number, description: string) => new JetStreamApiError({ code, err_code: errCode, description });
    expect(classifyFailure(api(503, 10008, 'JetStream system temporarily unavailable'))).toBe('bus_unreachable');
    expect(classifyFailure(api(503, 10023, 'insufficient resources'))).toBe('bus_unreachable');
    expect(classifyFailure(api(400, 10071, 'wrong last sequence: 7'))).toBe('message');
    expect(classifyFailure(api(503, 10077, 'message size exceeds maximum allowed'))).toBe('message');
  });

  it('back off exponentially, capped', () => {
    expect([1, 2, 3, 10, 50].map((n) => failureBackoffMs(n, 250))).toEqual([250, 500, 1000, 7500, 7500]);
    expect(failureBackoffMs(20, 2000)).toBe(30_000);
  });
});

describe('consumer health', () => {
  it('counts every failure, logs once per streak of one reason, and says when it works again', async () => {
    const { logger, lines } = captureLogger();
    const metrics = createMetrics({ processMetrics: false });
    const probe = createConsumerHealth({ logger, metrics }).probe('router');
    for (let i = 0; i < 5; i++) probe.failure(sqlite('SQLITE_BUSY'), { eventId: 'e1' });
    probe.failure(sqlite('SQLITE_IOERR'));
    probe.progress();
    const text = await metrics.registry.getSingleMetricAsString('hookhub_consumer_errors_total');
    expect(text).toContain('hookhub_consumer_errors_total{consumer="router",reason="storage_busy"} 5');
    expect(text).toContain('hookhub_consumer_errors_total{consumer="router",reason="storage_down"} 1');
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      'router: the data file is locked by another process (storage busy); retrying with back-off',
      'router: the data file cannot be written (storage down); retrying with back-off',
    ]);
    expect(lines.at(-1)?.msg).toBe('router: working again');
  });

  it('reports a stall when there is pending work and no progress for stallAfter, and the recovery', async () => {
    let clock = 1_000_000;
    let pending = { count: 0 } as { count: number; oldestMs?: number };
    const events: string[] = [];
    const health = createConsumerHealth({
      logger: pino({ level: 'silent' }),
      now: () => clock,
      stallAfterMs: 30_000,
      onStall: (s) => events.push(`stalled ${s.consumer} ${s.pending} ${s.reason}`),
      onRecover: (c) => events.push(`recovered ${c}`),
    });
    const probe = health.probe('workers');
    probe.watch(() => Promise.resolve(pending));
    clock += 60_000;
    await health.check();
    expect(health.stalls()).toEqual([]); // idle with nothing to do is fine
    clock += 10_000;
    pending = { count: 3, oldestMs: clock - 5_000 };
    await health.check();
    expect(health.stalls()).toEqual([]); // work only 5 s old
    probe.failure(sqlite('SQLITE_BUSY'));
    clock += 40_000;
    await health.check();
    expect(health.stalls()).toEqual([
      { consumer: 'workers', reason: 'the data file is locked by another process (storage busy)', idleSeconds: 45, pending: 3 },
    ]);
    probe.progress();
    pending = { count: 0 };
    await health.check();
    expect(health.stalls()).toEqual([]);
    expect(events).toEqual(['stalled workers 3 the data file is locked by another process (storage busy)', 'recovered workers']);
  });

  it('does not take work stamped by a clock behind the hub clock (a NATS server) for old work: no stall until stallAfter has passed', async () => {
    let clock = 1_000_000;
    let pending = { count: 0 } as { count: number; oldestMs?: number };
    const health = createConsumerHealth({ logger: pino({ level: 'silent' }), now: () => clock, stallAfterMs: 30_000 });
    health.probe('workers').watch(() => Promise.resolve(pending));
    clock += 600_000; // idle, nothing to do
    await health.check();
    clock += 5_000;
    pending = { count: 1, oldestMs: clock - 3_600_000 }; // stored just now, by a server an hour behind
    await health.check();
    expect(health.stalls()).toEqual([]);
    clock += 40_000;
    await health.check();
    expect(health.stalls()).toEqual([{ consumer: 'workers', reason: 'no progress', idleSeconds: 45, pending: 1 }]);
  });

  it('reports a consumer whose pending work cannot be read only once that has lasted stallAfter with no progress, with the last count it read', async () => {
    let clock = 1_000_000;
    let read: () => Promise<{ count: number }> = () => Promise.resolve({ count: 4 });
    const health = createConsumerHealth({ logger: pino({ level: 'silent' }), now: () => clock, stallAfterMs: 30_000 });
    const probe = health.probe('workers');
    probe.watch(() => read());
    probe.progress();
    await health.check();
    clock += 5_000;
    read = () => Promise.reject(new Error('NATS bus consumer info not confirmed within 3000 ms'));
    await health.check();
    expect(health.stalls()).toEqual([]); // one failed read during a leader election is not a stall
    clock += 20_000;
    probe.progress();
    clock += 20_000;
    await health.check();
    expect(health.stalls()).toEqual([]); // unread for 40 s, but it made progress 20 s ago
    clock += 15_000;
    await health.check();
    expect(health.stalls()).toEqual([
      {
        consumer: 'workers',
        reason: 'cannot read its pending work: NATS bus consumer info not confirmed within 3000 ms',
        idleSeconds: 35,
        pending: 4,
      },
    ]);
    read = () => Promise.resolve({ count: 0 });
    await health.check();
    expect(health.stalls()).toEqual([]);
  });

  it('shows how long a background loop without a queue (retention, the scheduler) has gone without a pass', async () => {
    let clock = 1_000_000;
    const metrics = createMetrics({ processMetrics: false });
    const health = createConsumerHealth({ logger: pino({ level: 'silent' }), metrics, now: () => clock });
    const retention = health.probe('retention');
    health.probe('github-sync'); // never used: nothing to sync
    clock += 30_000;
    retention.failure(sqlite('SQLITE_IOERR'));
    clock += 60_000;
    await health.check();
    const text = await metrics.registry.getSingleMetricAsString('hookhub_consumer_seconds_since_progress');
    expect(text).toContain('hookhub_consumer_seconds_since_progress{consumer="retention"} 90');
    expect(text).not.toContain('github-sync');
    retention.progress();
    await health.check();
    expect(await metrics.registry.getSingleMetricAsString('hookhub_consumer_seconds_since_progress')).toContain(
      'hookhub_consumer_seconds_since_progress{consumer="retention"} 0',
    );
  });

  it('names what the bus says every write waits on, when the consumer has no failure of its own', async () => {
    let clock = 1_000_000;
    let waitingOn: 'storage_busy' | undefined = undefined;
    const health = createConsumerHealth({
      logger: pino({ level: 'silent' }),
      now: () => clock,
      stallAfterMs: 2_000,
      waitingOn: () => waitingOn,
    });
    const since = clock;
    health.probe('router').watch(() => Promise.resolve({ count: 2, oldestMs: since }));
    clock += 3_000;
    await health.check();
    expect(health.stalls().map((s) => s.reason)).toEqual(['no progress']);
    waitingOn = 'storage_busy';
    await health.check();
    expect(health.stalls().map((s) => s.reason)).toEqual(['the data file is locked by another process (storage busy)']);
  });

  it('names a loop without a queue whose passes have all failed for stallAfter, and forgets it once a pass works', async () => {
    let clock = 1_000_000;
    const health = createConsumerHealth({ logger: pino({ level: 'silent' }), now: () => clock, stallAfterMs: 30_000 });
    const retention = health.probe('retention');
    const router = health.probe('router');
    router.watch(() => Promise.resolve({ count: 0 }));
    retention.progress();
    clock += 5_000;
    retention.failure(sqlite('SQLITE_FULL'));
    router.failure(new Error('one bad message'));
    clock += 20_000;
    await health.check();
    expect(health.failingLoops()).toEqual([]); // failing for 25 s: a passing problem so far
    clock += 10_000;
    retention.failure(sqlite('SQLITE_FULL'));
    await health.check();
    // A consumer with a queue is judged by its pending work (a stall), never listed here.
    expect(health.failingLoops()).toEqual([
      { loop: 'retention', reason: 'the data file cannot be written (storage down)', failingSeconds: 35, failures: 2 },
    ]);
    retention.progress();
    await health.check();
    expect(health.failingLoops()).toEqual([]);
  });

  it('says "its passes fail" for a loop whose error is its own, not the store\'s or the bus\'s', async () => {
    let clock = 1_000_000;
    const health = createConsumerHealth({ logger: pino({ level: 'silent' }), now: () => clock, stallAfterMs: 1_000 });
    const sync = health.probe('github-sync');
    sync.failure(new Error('GitHub answered 401'));
    clock += 2_000;
    sync.failure(new Error('GitHub answered 401'));
    await health.check();
    expect(health.failingLoops()).toEqual([{ loop: 'github-sync', reason: 'its passes fail', failingSeconds: 2, failures: 2 }]);
  });

  it('names a once-a-minute loop only after two failed passes in a row, yet counts the first failure at once', async () => {
    let clock = 1_000_000;
    const metrics = createMetrics({ processMetrics: false });
    const health = createConsumerHealth({ logger: pino({ level: 'silent' }), metrics, now: () => clock, stallAfterMs: 30_000 });
    const retention = health.probe('retention');
    retention.progress();
    clock += 60_000;
    retention.failure(sqlite('SQLITE_IOERR'));
    await health.check();
    expect(await metrics.registry.getSingleMetricAsString('hookhub_consumer_errors_total')).toContain(
      'hookhub_consumer_errors_total{consumer="retention",reason="storage_down"} 1',
    );
    expect(health.failingLoops()).toEqual([]); // one failed pass, though the last good one is a minute old
    clock += 60_000;
    retention.failure(sqlite('SQLITE_IOERR'));
    await health.check();
    expect(health.failingLoops()).toEqual([
      { loop: 'retention', reason: 'the data file cannot be written (storage down)', failingSeconds: 120, failures: 2 },
    ]);
  });

  it('does not name a loop whose two failed passes came within a second of each other until they have lasted stallAfter', async () => {
    let clock = 1_000_000;
    const health = createConsumerHealth({ logger: pino({ level: 'silent' }), now: () => clock, stallAfterMs: 30_000 });
    const scheduler = health.probe('scheduler');
    scheduler.progress();
    clock += 60_000;
    scheduler.failure(sqlite('SQLITE_IOERR'));
    clock += 1_000;
    scheduler.failure(sqlite('SQLITE_IOERR'));
    await health.check();
    expect(health.failingLoops()).toEqual([]);
    clock += 29_000;
    await health.check();
    expect(health.failingLoops().map((l) => [l.loop, l.failures])).toEqual([['scheduler', 2]]);
  });
});
