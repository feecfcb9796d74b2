/** The delivery runtime end to end on both buses: retries, Retry-After, 410, DLQ + replay, timeouts, isolation, crash recovery. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/actions/runtime/delivery-worker.ts';
import { DeadLetterNotFoundError, retryDeadLetters } from '../../src/actions/runtime/dead-letters.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import {
  attempts,
  delay,
  embeddedBackend,
  eventually,
  makeJob,
  natsBackend,
  publishJob,
  startSink,
  startWorker,
  type BusHandle,
  type Sink,
} from './delivery-harness.ts';

const natsServer = useNatsServer();

describe.each([embeddedBackend, natsBackend(() => natsServer().url)])('delivery on the $name bus', (backend) => {
  let handle: BusHandle;
  let sink: Sink;
  const workers: DeliveryWorker[] = [];
  const worker = (...args: Parameters<typeof startWorker> extends [unknown, ...infer R] ? R : never): DeliveryWorker => {
    const w = startWorker(handle.bus, ...args);
    workers.push(w);
    return w;
  };

  beforeEach(async () => {
    handle = await backend.open();
    sink = await startSink();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop(0)));
    await sink.close();
    await handle.cleanup();
  });

  it('a sink that fails twice then succeeds gets the job on attempt 3, after the backoff', async () => {
    sink.reply = (_req, n) => (n <= 2 ? { status: 503, body: 'down' } : { status: 200, body: 'ok' });
    const job = makeJob('webhook', { url: `${sink.url}/hook`, body: { hello: 'world' } });
    worker({ options: { retry: { schedule: ['300ms', '600ms'], jitter: 0 } } });
    await publishJob(handle.bus, job);
    await eventually(() => sink.delivered().length === 1, 'delivery on attempt 3');
    const [r1, r2, r3] = sink.requests;
    expect(sink.requests).toHaveLength(3);
    expect((r2?.at ?? 0) - (r1?.at ?? 0)).toBeGreaterThanOrEqual(280);
    expect((r3?.at ?? 0) - (r2?.at ?? 0)).toBeGreaterThanOrEqual(580);
    expect(r3?.headers['idempotency-key']).toBe(job.id);
    expect(JSON.parse(r3?.body ?? '')).toEqual({ hello: 'world' });
    await eventually(async () => (await attempts(handle.bus, job.id)).length === 3, 'three attempt records');
    const records = await attempts(handle.bus, job.id);
    expect(records.map((r) => [r.attempt, r.outcome, r.status])).toEqual([
      [1, 'retry', 503],
      [2, 'retry', 503],
      [3, 'success', 200],
    ]);
    expect(records[0]).toMatchObject({ response: 'down', error: 'HTTP 503' });
    expect(typeof records[2]?.latencyMs).toBe('number');
  });

  it('honours Retry-After over the schedule', async () => {
    sink.reply = (_req, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    worker({ options: { retry: { schedule: ['10ms'], jitter: 0 } } });
    await publishJob(handle.bus, makeJob('webhook', { url: sink.url }));
    await eventually(() => sink.delivered().length === 1, 'delivery after Retry-After');
    expect((sink.requests[1]?.at ?? 0) - (sink.requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('410 dead-letters at once and marks the destination gone', async () => {
    sink.reply = () => ({ status: 410, body: 'endpoint deleted' });
    worker();
    const first = makeJob('webhook', { url: `${sink.url}/a` });
    await publishJob(handle.bus, first);
    await eventually(async () => (await handle.bus.deadLetters()).length === 1, 'first job dead-lettered');
    const second = makeJob('webhook', { url: `${sink.url}/b` });
    await publishJob(handle.bus, second);
    await eventually(async () => (await handle.bus.deadLetters()).length === 2, 'second job dead-lettered');
    expect(sink.requests).toHaveLength(1);
    const letters = await handle.bus.deadLetters();
    expect(letters.find((l) => l.id === first.id)?.reason).toMatch(/gone.*410/i);
    expect(letters.find((l) => l.id === second.id)?.reason).toMatch(/destination gone/);
  });

  it('a replayed job may probe a gone destination, and its success lifts the mark', async () => {
    let gone = true;
    sink.reply = () => (gone ? { status: 410 } : { status: 200 });
    worker();
    const first = makeJob('webhook', { url: `${sink.url}/a` });
    await publishJob(handle.bus, first);
    await eventually(async () => (await handle.bus.deadLetters()).length === 1, 'gone');
    gone = false;
    await retryDeadLetters(handle.bus, { all: true });
    await eventually(() => sink.delivered().length === 1, 'replayed probe delivered');
    const later = makeJob('webhook', { url: `${sink.url}/b` });
    await publishJob(handle.bus, later);
    await eventually(() => sink.delivered().length === 2, 'new job delivered after revival');
  });

  it('a permanent 400 goes to the DLQ with its history; a replay is delivered once', async () => {
    let accept = false;
    sink.reply = () => (accept ? { status: 202 } : { status: 400, body: '{"error":"bad field"}' });
    worker();
    const job = makeJob('webhook', { url: sink.url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    await publishJob(handle.bus, job);
    await eventually(async () => (await handle.bus.deadLetters()).length === 1, 'dead letter');
    const [letter] = await handle.bus.deadLetters();
    expect(letter).toMatchObject({ id: job.id, subject: 'webhook', payload: job, reason: 'permanent failure: HTTP 400' });
    expect(letter?.attempts).toMatchObject([{ attempt: 1, status: 400, response: '{"error":"bad field"}', outcome: 'failed' }]);
    expect(sink.requests).toHaveLength(1);

    accept = true;
    expect(await retryDeadLetters(handle.bus, { id: job.id })).toEqual([{ id: job.id, subject: 'webhook' }]);
    await eventually(() => sink.delivered().length === 1, 'replayed delivery');
    expect(await handle.bus.deadLetters()).toEqual([]);
    const replayed = sink.delivered()[0];
    expect(replayed?.headers['webhook-id']).toBe(job.id);
    expect(replayed?.headers['idempotency-key']).toBe(job.id);

    // Replaying the same job again (it did succeed) must not send it twice.
    await handle.bus.publish('jobs', { id: job.id, subject: 'webhook', payload: job }, { replay: true });
    await expect(retryDeadLetters(handle.bus, { id: job.id })).rejects.toBeInstanceOf(DeadLetterNotFoundError);
    await delay(500);
    expect(sink.delivered()).toHaveLength(1);
    expect(sink.requests).toHaveLength(2);
  });

  it('times out a hanging destination and retries', async () => {
    sink.reply = (_req, n) => (n === 1 ? 'hang' : { status: 200 });
    const job = makeJob('webhook', { url: sink.url });
    worker({ options: { attemptTimeoutMs: 300 } });
    await publishJob(handle.bus, job);
    await eventually(() => sink.delivered().length === 1, 'delivery after a timeout');
    await eventually(async () => (await attempts(handle.bus, job.id)).length === 2, 'two attempt records');
    const [first] = await attempts(handle.bus, job.id);
    expect(first).toMatchObject({ attempt: 1, outcome: 'retry', error: 'timed out after 300 ms' });
  });

  it('a hanging destination does not block a healthy one', async () => {
    const healthy = await startSink();
    try {
      sink.reply = () => 'hang';
      worker({ options: { attemptTimeoutMs: 20_000, concurrency: 8, destinationConcurrency: 2 } });
      for (let i = 0; i < 20; i++) await publishJob(handle.bus, makeJob('webhook', { url: `${sink.url}/stuck/${i}` }));
      for (let i = 0; i < 10; i++) await publishJob(handle.bus, makeJob('webhook', { url: `${healthy.url}/ok/${i}` }));
      await eventually(() => healthy.delivered().length === 10, 'all healthy deliveries', 15_000);
      // The stuck destination never got more than its concurrency limit, and nothing of it has finished.
      expect(sink.requests.length).toBeLessThanOrEqual(2);
    } finally {
      await healthy.close();
    }
  });

  it('a burst to one destination respects its concurrency and rate limit, and all of it arrives', async () => {
    sink.reply = () => ({ status: 200, delayMs: 30 });
    worker({ options: { concurrency: 16, destinationConcurrency: 3 } });
    for (let i = 0; i < 30; i++)
      await publishJob(handle.bus, makeJob('webhook', { url: `${sink.url}/burst/${i}`, rateLimit: { rate: 100, per: '1s', burst: 10 } }));
    await eventually(() => sink.delivered().length === 30, 'the whole burst', 20_000);
    expect(sink.maxConcurrent).toBeLessThanOrEqual(3);
    expect(sink.requests).toHaveLength(30);
  });

  it('a worker that dies in the middle of an attempt: the job is redelivered after the ack wait, same idempotency key', async () => {
    sink.reply = (_req, n) => (n === 1 ? 'hang' : { status: 200 });
    const job = makeJob('webhook', { url: sink.url });
    const doomed = startWorker(handle.bus, { options: { ackWaitMs: 1_000, attemptTimeoutMs: 10_000 } });
    await publishJob(handle.bus, job);
    await eventually(() => sink.requests.length === 1, 'first attempt in flight');
    // The process "dies": its bus connection goes away under it, nothing is acked, recorded or nak'ed.
    await handle.reopen();
    worker({ options: { ackWaitMs: 1_000 } });
    await eventually(() => sink.delivered().length === 1, 'redelivery after the ack wait', 15_000);
    expect(sink.requests.map((r) => r.headers['idempotency-key'])).toEqual([job.id, job.id]);
    await doomed.stop(0).catch(() => undefined);
    await eventually(async () => (await attempts(handle.bus, job.id)).some((r) => r.outcome === 'success'), 'success recorded');
  });

  it('resumes a job after the hub is killed in the middle of a retry, and delivers it once', async () => {
    sink.reply = (_req, n) => (n === 1 ? { status: 500 } : { status: 200 });
    const job = makeJob('webhook', { url: sink.url });
    const first = startWorker(handle.bus, { options: { retry: { schedule: ['1500ms'], jitter: 0 } } });
    await publishJob(handle.bus, job);
    await eventually(async () => (await attempts(handle.bus, job.id)).length === 1, 'first failed attempt');
    // "Kill": the worker and the bus go away while the retry is pending.
    await first.stop(0);
    const bus = await handle.reopen();
    expect(sink.requests).toHaveLength(1);
    worker({ options: { retry: { schedule: ['1500ms'], jitter: 0 } } });
    await eventually(() => sink.delivered().length === 1, 'delivery after restart');
    await delay(300);
    expect(sink.requests).toHaveLength(2);
    expect((await attempts(bus, job.id)).map((r) => [r.attempt, r.outcome])).toEqual([
      [1, 'retry'],
      [2, 'success'],
    ]);
  });
});
