/**
 * NATS restarted without its storage (a container with no volume) has none of the hub's streams and
 * buckets. The bus creates them again, as when it opens, instead of answering 503 and failing its
 * consumers' setup until the hub is restarted.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

let server: NatsServerHandle | undefined;
let bus: EventBus | undefined;
afterEach(async () => {
  await bus?.close();
  await server?.stop();
  bus = undefined;
  server = undefined;
});

it('creates its lost streams again: webhooks are taken and consumed without a restart of the hub', async () => {
  server = await startNatsServer();
  const recreated: string[][] = [];
  const connectionReport = { lost: () => undefined, restored: () => undefined, storesRecreated: (s: string[]) => recreated.push(s) };
  bus = await createNatsBus({ url: server.url, prefix: 'lost', timeoutMs: 500, connectionReport });
  const seen: string[] = [];
  const sub = bus.consume('events', 'router', { ackWaitMs: 1_000 });
  const consuming = (async () => {
    for await (const delivery of sub) {
      seen.push(delivery.id);
      await delivery.ack();
    }
  })();
  await bus.publish('events', { id: 'before', subject: 'x.y', payload: 1 });
  await eventually(() => seen.includes('before'), 10_000, 'the first event consumed');

  await server.halt();
  await rm(join(server.storeDir, 'jetstream'), { recursive: true, force: true });
  await server.restart();

  const open = bus;
  await eventually(() => open.publish('events', { id: 'after', subject: 'x.y', payload: 2 }), 20_000, 'a publish taken again');
  await eventually(() => seen.includes('after'), 20_000, 'the event consumed from the new stream');
  expect(recreated.flat()).toEqual(expect.arrayContaining(['LOST_EVENTS', 'LOST_JOBS', 'LOST_HISTORY']));
  expect((await open.status()).ok).toBe(true);
  await sub.stop();
  await consuming;
}, 60_000);

it('a hub that only consumes creates them again too, from its consumers failing to set up', async () => {
  server = await startNatsServer();
  const recreated: string[][] = [];
  const connectionReport = { lost: () => undefined, restored: () => undefined, storesRecreated: (s: string[]) => recreated.push(s) };
  bus = await createNatsBus({ url: server.url, prefix: 'worker', timeoutMs: 500, connectionReport });
  const sub = bus.consume<object>('jobs', 'workers', { ackWaitMs: 1_000 });
  const iterator = sub[Symbol.asyncIterator]();
  const first = iterator.next();

  await server.halt();
  await rm(join(server.storeDir, 'jetstream'), { recursive: true, force: true });
  await server.restart();

  // Neither publish nor status is called here: only the subscription meets the missing stream.
  await eventually(() => recreated.length > 0, 20_000, 'the streams created again');
  expect(recreated.flat()).toEqual(expect.arrayContaining(['WORKER_JOBS', 'WORKER_EVENTS']));
  await bus.publish('jobs', { id: 'job-1', subject: 'webhook', payload: {} });
  const delivered = await first;
  if (delivered.done === true) throw new Error('the subscription ended instead of delivering');
  expect(delivered.value.id).toBe('job-1');
  await sub.stop();
}, 60_000);

it('a kv bucket it lost is created again by the next call that finds it missing', async () => {
  server = await startNatsServer();
  bus = await createNatsBus({ url: server.url, prefix: 'kvlost', timeoutMs: 500 });
  const mutes = bus.kv('mutes');
  await mutes.put('rule-a', { until: 1 });

  await server.halt();
  await rm(join(server.storeDir, 'jetstream'), { recursive: true, force: true });
  await server.restart();

  await eventually(() => mutes.put('rule-b', { until: 2 }), 20_000, 'a kv write taken again');
  expect((await mutes.get('rule-b'))?.value).toEqual({ until: 2 });
  expect(await mutes.get('rule-a')).toBeUndefined();
}, 60_000);

it('a kv bucket it lost is created again by a read too: the read timed out for good, as nobody answers it', async () => {
  server = await startNatsServer();
  bus = await createNatsBus({ url: server.url, prefix: 'kvread', timeoutMs: 500 });
  const mutes = bus.kv('mutes');
  await mutes.put('rule-a', { until: 1 });

  await server.halt();
  await rm(join(server.storeDir, 'jetstream'), { recursive: true, force: true });
  await server.restart();

  // Only reads: no write would open the bucket again for them.
  await eventually(async () => (await mutes.get('rule-a')) === undefined, 20_000, 'a kv read answered again');
  expect(await mutes.entries()).toEqual([]);
}, 60_000);
