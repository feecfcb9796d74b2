import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/event-bus.ts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createNatsNames, durableName } from '../../src/bus/nats/nats-names.ts';
import { delay, eventually, ids, message, pump } from '../contract/bus-contract-helpers.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

describe('NATS bus shared by several hub processes', () => {
  const natsServer = useNatsServer();
  let hubs: NatsBus[] = [];

  beforeEach(async () => {
    const { url } = natsServer();
    // Two connections = two hub processes as far as NATS can tell.
    hubs = [await createNatsBus({ url, name: 'hub-a' }), await createNatsBus({ url, name: 'hub-b' })];
  });

  afterEach(async () => {
    await Promise.all(hubs.map((hub) => hub.close()));
  });

  it('splits a durable consumer between hubs, each job once, and dedups across them', async () => {
    const [a, b] = hubs as [NatsBus, NatsBus];
    const slowAck = async (d: Delivery) => {
      await delay(5);
      await d.ack();
    };
    const one = pump(a.consume('jobs', 'workers', { batch: 1, ackWaitMs: 10_000 }), slowAck);
    const two = pump(b.consume('jobs', 'workers', { batch: 1, ackWaitMs: 10_000 }), slowAck);
    // Both hubs pulling before the jobs come: one that set up later would otherwise find them all taken.
    const nc = await connect({ servers: natsServer().url });
    const jsm = await jetstreamManager(nc);
    const pulls = () =>
      jsm.consumers.info(createNatsNames().stream('jobs'), durableName('workers')).then(
        (info) => info.num_waiting,
        () => 0,
      );
    await eventually(async () => (await pulls()) >= 2, 'both hubs pulling', 10_000);
    await nc.close();
    const wanted = Array.from({ length: 60 }, (_, i) => `job${String(i).padStart(2, '0')}`);
    await Promise.all(wanted.map((id, i) => (i % 2 === 0 ? a : b).publish('jobs', message(id, 'webhook'))));
    // The same ids through the other hub are duplicates: dedup state is shared in NATS.
    const again = await Promise.all(wanted.map((id, i) => (i % 2 === 0 ? b : a).publish('jobs', message(id, 'webhook'))));
    expect(again.every((r) => r.duplicate)).toBe(true);
    await eventually(() => one.received.length + two.received.length >= wanted.length, 'all jobs delivered', 20_000);
    await delay(300);
    await Promise.all([one.stop(), two.stop()]);
    expect([...ids(one.received), ...ids(two.received)].sort()).toEqual(wanted);
    expect(one.received.length).toBeGreaterThan(0);
    expect(two.received.length).toBeGreaterThan(0);
  });

  // A job in a long retry back-off stays ack-pending for hours. A hub whose worker takes nothing (setting up
  // again after an error; a router waiting for its rules) must not count it, nor a job another hub works on,
  // as its own untaken work: /readyz would report a stall, and a healthy hub would be restarted.
  it('a subscription that is not pulling counts the messages another hub holds or put back only once no hub pulls', async () => {
    const [a, b] = hubs as [NatsBus, NatsBus];
    await a.publish('jobs', message('held', 'webhook'));
    await a.publish('jobs', message('later', 'webhook'));
    const stored = await a.get('jobs', 'held');
    const working = pump(a.consume('jobs', 'workers'), (d) => (d.id === 'later' ? d.nak(3_600_000) : undefined));
    await eventually(() => working.received.length === 2, 'both jobs delivered to hub a');

    // Hub b's window for seeing a puller is its ack wait plus the server's (600 ms): read well past it.
    const idle = b.consume('jobs', 'workers', { ackWaitMs: 300 });
    for (let read = 0; read < 10; read++) {
      expect(await idle.pending()).toEqual({ count: 0 });
      await delay(200);
    }

    await working.stop();
    await eventually(async () => (await idle.pending()).count === 2, 'both counted once no hub pulls');
    expect((await idle.pending()).oldestMs).toBe(Date.parse(stored?.time ?? ''));
    await working.received.find((d) => d.id === 'held')?.ack();
    await idle.stop();
  });
});
