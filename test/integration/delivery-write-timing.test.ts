/**
 * The worker records each attempt before it acks or naks the job, and asks the bus not to wait for a sync
 * of that record (WriteTiming.beforeAck): a power cut that loses the record loses the ack with it, and the
 * job is sent again with the same idempotency key. On the embedded bus that saves a sync per job.
 */
import { expect, it } from 'vitest';
import type { EventBus, HistoryRecord, WriteTiming } from '../../src/bus/event-bus.ts';
import { embeddedBackend, eventually, makeJob, publishJob, startWorker, useDeliveryFixture } from './delivery-harness.ts';

const fx = useDeliveryFixture(embeddedBackend);

/** The bus, with every record() call noted (kind and timing) before it is passed on. */
function noteRecords(bus: EventBus, calls: { kind: string; timing: WriteTiming | undefined }[]): EventBus {
  return new Proxy(bus, {
    get(target, key, receiver) {
      if (key === 'record') {
        return (entry: HistoryRecord, timing?: WriteTiming) => {
          calls.push({ kind: entry.kind, timing });
          return target.record(entry, timing);
        };
      }
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

it('records a success and a retry before the ack or nak, without waiting for a sync, and both are read back', async () => {
  const calls: { kind: string; timing: WriteTiming | undefined }[] = [];
  fx.sink.reply = (_req, n) => (n === 1 ? { status: 503, body: 'down' } : { status: 200, body: 'ok' });
  fx.workers.push(startWorker(noteRecords(fx.handle.bus, calls), { options: { retry: { schedule: ['100ms'], jitter: 0 } } }));
  const job = makeJob('webhook', { url: `${fx.sink.url}/hook`, body: { n: 1 } });
  await publishJob(fx.handle.bus, job);
  await eventually(() => fx.sink.delivered().length === 1, 'delivered on the second attempt');
  await eventually(async () => (await fx.handle.bus.records(job.id)).filter((r) => r.kind === 'attempt').length === 2, 'two attempts');
  expect(calls.filter((c) => c.kind === 'attempt')).toEqual([
    { kind: 'attempt', timing: { beforeAck: true } },
    { kind: 'attempt', timing: { beforeAck: true } },
  ]);
  const outcomes = (await fx.handle.bus.records(job.id)).filter((r) => r.kind === 'attempt').map((r) => r.data.outcome);
  expect(outcomes).toEqual(['retry', 'success']);
  expect(fx.sink.requests).toHaveLength(2);
});
