/**
 * A job whose handling fails (outside its attempt) is set aside after MAX_HANDLING_FAILURES failures of its
 * own, on both buses: redeliveries that were not its fault do not count, and the count survives a restart.
 */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../src/actions/action.ts';
import { handlingFailed, MAX_HANDLING_FAILURES } from '../../src/actions/runtime/handling-failed.ts';
import { createConsumerHealth } from '../../src/bus/consumer-health.ts';
import type { Delivery, EventBus } from '../../src/bus/event-bus.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { embeddedBackend, makeJob, natsBackend, publishJob, useDeliveryFixture } from './delivery-harness.ts';

const natsServer = useNatsServer();
const probe = createConsumerHealth({ logger: silentLogger }).probe('workers');
const now = () => new Date();
const bug = new Error('a bug in the bookkeeping');

/** The workers' subscription on `bus`, and a way to take its next delivery. */
function consumeJobs(bus: EventBus) {
  const sub = bus.consume<Job>('jobs', 'workers');
  const deliveries = sub[Symbol.asyncIterator]();
  const take = async (): Promise<Delivery<Job>> => {
    const next = await deliveries.next();
    if (next.done === true) throw new Error('the subscription ended instead of delivering');
    return next.value;
  };
  return { sub, take };
}

describe.each([embeddedBackend, natsBackend(() => natsServer().url)])('handling failures on the $name bus', (backend) => {
  const fx = useDeliveryFixture(backend);

  it("retries a job redelivered past the limit for others' trouble whose handling then fails once", async () => {
    const { bus } = fx.handle;
    const job = makeJob('webhook', { url: `${fx.sink.url}/hook` });
    await publishJob(bus, job);
    const { sub, take } = consumeJobs(bus);
    // Put back as during a store outage, or by hubs shutting down with it held.
    let delivery = await take();
    while (delivery.deliveryCount <= MAX_HANDLING_FAILURES) {
      await delivery.nak(0);
      delivery = await take();
    }

    await handlingFailed(bus, delivery, bug, probe, now, silentLogger);
    expect(await bus.getDeadLetter(job.id)).toBeUndefined();
    const again = await take();
    expect(again.deliveryCount).toBe(MAX_HANDLING_FAILURES + 2);
    await again.ack();
    await sub.stop();
  });

  it('dead-letters a job by its deliveries when its failures cannot be counted from its history records', async () => {
    const job = makeJob('webhook', { url: `${fx.sink.url}/hook` });
    await publishJob(fx.handle.bus, job);
    // A history record of this job that does not parse: reading them fails, and not for an outage.
    const unreadable = new Proxy(fx.handle.bus, {
      get(target, key) {
        if (key === 'records') return () => Promise.reject(new Error('Unexpected token } in JSON at position 17'));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { sub, take } = consumeJobs(fx.handle.bus);
    for (let delivery = 1; delivery <= MAX_HANDLING_FAILURES; delivery++) {
      expect(await fx.handle.bus.getDeadLetter(job.id)).toBeUndefined();
      await handlingFailed(unreadable, await take(), bug, probe, now, silentLogger);
    }
    expect((await fx.handle.bus.getDeadLetter(job.id))?.reason).toBe(`handling failed ${MAX_HANDLING_FAILURES} times: ${bug.message}`);
    await sub.stop();
  }, 20_000);

  it('dead-letters a job on its 5th failure of its own, counted across a restart of the hub', async () => {
    const job = makeJob('webhook', { url: `${fx.sink.url}/hook` });
    await publishJob(fx.handle.bus, job);
    let consumer = consumeJobs(fx.handle.bus);
    for (let failure = 1; failure <= 2; failure++)
      await handlingFailed(fx.handle.bus, await consumer.take(), bug, probe, now, silentLogger);
    await consumer.sub.stop();

    const bus = await fx.handle.reopen();
    consumer = consumeJobs(bus);
    for (let failure = 3; failure <= MAX_HANDLING_FAILURES; failure++) {
      const delivery = await consumer.take();
      expect(await bus.getDeadLetter(job.id)).toBeUndefined();
      await handlingFailed(bus, delivery, bug, probe, now, silentLogger);
    }
    expect((await bus.getDeadLetter(job.id))?.reason).toBe(`handling failed ${MAX_HANDLING_FAILURES} times: ${bug.message}`);
    await consumer.sub.stop();
  }, 20_000);
});
