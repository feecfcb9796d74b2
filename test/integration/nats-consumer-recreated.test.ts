/**
 * A durable consumer deleted by hand (`nats consumer rm`) or lost by NATS is created again by its
 * subscription. It used to read its stream from the start again, so every retained event the router had
 * finished was routed once more; now it starts after the ack floor it last saved, and what it had not
 * finished is still delivered.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, expect, it } from 'vitest';
import type { Delivery } from '../../src/bus/bus-subscription.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { ConsumerRecreation } from '../../src/bus/nats/nats-consumer-floors.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

let server: NatsServerHandle | undefined;
let bus: EventBus | undefined;
let nc: NatsConnection | undefined;
afterEach(async () => {
  await bus?.close();
  await nc?.close();
  await server?.stop();
  bus = undefined;
  nc = undefined;
  server = undefined;
});

it('a deleted durable consumer is created again after its saved ack floor: finished events are not delivered again, the unfinished one is', async () => {
  server = await startNatsServer();
  const recreations: ConsumerRecreation[] = [];
  const connectionReport = {
    lost: () => undefined,
    restored: () => undefined,
    consumerRecreated: (r: ConsumerRecreation) => recreations.push(r),
  };
  bus = await createNatsBus({ url: server.url, prefix: 'floors', timeoutMs: 1_000, connectionReport });
  const open = bus;
  const deliveries: Delivery[] = [];
  const sub = open.consume('events', 'router', { ackWaitMs: 2_000 });
  const consuming = (async () => {
    for await (const delivery of sub) {
      deliveries.push(delivery);
      if (delivery.id !== 'unfinished') await delivery.ack();
    }
  })();
  for (const id of ['done-1', 'done-2', 'done-3']) await open.publish('events', { id, subject: 'x.y', payload: id });
  await eventually(() => deliveries.length === 3, 10_000, 'the first events finished');
  await eventually(async () => (await open.finishedThrough('events', 'router')) === 3, 10_000, 'their acks');
  await open.publish('events', { id: 'unfinished', subject: 'x.y', payload: 'held' });
  await eventually(() => deliveries.some((d) => d.id === 'unfinished'), 10_000, 'the unfinished event delivered');
  // The subscription saves its floor every 5 s. Only a point to wait for: if it never comes, the
  // deliveries below show what that costs (a hub without floors delivers done-1..3 again).
  const floors = open.kv('consumer-floors');
  const saved = async () => (await floors.entries<{ floor: number }>())[0]?.value.floor === 3;
  await eventually(saved, 15_000, 'the floor saved').catch(() => undefined);

  nc = await connect({ servers: server.url });
  await (await jetstreamManager(nc)).consumers.delete('FLOORS_EVENTS', 'router');
  const before = deliveries.length;
  await eventually(() => deliveries.slice(before).some((d) => d.id === 'unfinished'), 20_000, 'the unfinished event again');
  await open.publish('events', { id: 'after', subject: 'x.y', payload: 'new' });
  await eventually(() => deliveries.some((d) => d.id === 'after'), 10_000, 'a new event delivered');

  expect(deliveries.slice(before).map((d) => d.id)).toEqual(['unfinished', 'after']);
  expect(recreations).toEqual([{ stream: 'FLOORS_EVENTS', consumer: 'router', startSeq: 4, lastSeq: 4 }]);
  await sub.stop();
  await consuming;
}, 60_000);

it('a consumer of a stream no floor was saved for (a fresh install) reads it from the start', async () => {
  server = await startNatsServer();
  bus = await createNatsBus({ url: server.url, prefix: 'fresh', timeoutMs: 1_000 });
  const open = bus;
  for (const id of ['a', 'b']) await open.publish('events', { id, subject: 'x.y', payload: id });
  const seen: string[] = [];
  const sub = open.consume('events', 'router', { ackWaitMs: 2_000 });
  for await (const delivery of sub) {
    seen.push(delivery.id);
    await delivery.ack();
    if (seen.length === 2) break;
  }
  expect(seen).toEqual(['a', 'b']);
}, 30_000);
