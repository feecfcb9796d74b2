/** Every log line about a job carries eventId, rule and jobId; metrics come from their own registry. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { actions } from '../../src/actions/index.ts';
import { createDeliveryWorker } from '../../src/actions/runtime/delivery-worker.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { embeddedBackend, eventually, makeJob, publishJob, startSink, type BusHandle, type Sink } from './delivery-harness.ts';
import { anyString } from '../helpers/matchers.ts';

let handle: BusHandle;
let sink: Sink;
beforeEach(async () => {
  handle = await embeddedBackend.open();
  sink = await startSink();
});
afterEach(async () => {
  await sink.close();
  await handle.cleanup();
});

it('logs retries, delivery and dead letters with eventId, rule and jobId on every line', async () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const metrics = createMetrics({ processMetrics: false });
  sink.reply = (req, n) => (req.path === '/bad' ? { status: 422 } : n === 1 ? { status: 500 } : { status: 200 });
  const worker = createDeliveryWorker({
    bus: handle.bus,
    registry: actions,
    channels: {},
    logger: pino({ level: 'debug' }, stream),
    now: () => new Date(),
    metrics,
    options: { network: { allow: ['127.0.0.1'] }, retry: { schedule: ['50ms'], jitter: 0 } },
  });
  worker.start();
  try {
    const good = makeJob('webhook', { url: `${sink.url}/good` });
    await publishJob(handle.bus, good);
    await eventually(() => sink.delivered().length === 1, 'good delivered');
    await publishJob(handle.bus, makeJob('webhook', { url: `${sink.url}/bad` }));
    await eventually(async () => (await handle.bus.deadLetters()).length === 1, 'bad dead-lettered');
  } finally {
    await worker.stop();
  }
  const messages = lines.map((l) => l.msg);
  expect(messages).toEqual(expect.arrayContaining(['attempt failed; will retry', 'delivered', 'dead-lettered']));
  for (const line of lines) expect(line).toMatchObject({ eventId: anyString(), rule: 'rule', jobId: anyString(), action: 'webhook' });

  const text = await metrics.registry.metrics();
  expect(text).toContain('hookhub_deliveries_total{action="webhook",channel="",outcome="success"} 1');
  expect(text).toContain('hookhub_deliveries_total{action="webhook",channel="",outcome="dead_letter"} 1');
  expect(text).toContain('hookhub_dlq_depth 1');
  expect(text).toContain('# TYPE hookhub_ingress_requests_total counter');
  expect(text).toContain('# TYPE hookhub_rule_matches_total counter');
});

it('createMetrics uses its own registry, so two hubs in one process do not collide', () => {
  const a = createMetrics({ processMetrics: true });
  const b = createMetrics({ processMetrics: true });
  a.ingress.inc({ connector: 'github', status: '202' });
  expect(a.registry).not.toBe(b.registry);
});
