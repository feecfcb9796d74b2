/** Two bus instances (separate SQLite connections, as two processes would have) on one file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEmbeddedBus, type EmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import { createPumpTracker, eventually, ids, message } from '../../../contract/bus-contract-helpers.ts';

let dir = '';
let a: EmbeddedBus;
let b: EmbeddedBus;
const pumps = createPumpTracker();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-shared-'));
  const path = join(dir, 'hookhub.db');
  [a, b] = await Promise.all([createEmbeddedBus({ path }), createEmbeddedBus({ path })]);
});
afterEach(async () => {
  await pumps.stopAll();
  await Promise.all([a.close(), b.close()]);
  await rm(dir, { recursive: true, force: true });
});

it('delivers what one instance publishes to a consumer on the other (by polling)', async () => {
  const p = pumps.start(b.consume('events', 'router'), (d) => d.ack());
  await a.publish('events', message('from-a'));
  await eventually(() => p.received.length === 1, 'the delivery on the other instance', 5_000);
  expect(await b.publish('events', message('from-a'))).toEqual({ duplicate: true });
});

it('shares one consumer name across instances, each message once', async () => {
  const wanted = Array.from({ length: 60 }, (_, i) => `m${String(i).padStart(2, '0')}`);
  const onA = pumps.start(a.consume('jobs', 'workers', { batch: 5 }), (d) => d.ack());
  const onB = pumps.start(b.consume('jobs', 'workers', { batch: 5 }), (d) => d.ack());
  await Promise.all(wanted.map((id, i) => (i % 2 ? a : b).publish('jobs', message(id, 'webhook'))));
  await eventually(() => onA.received.length + onB.received.length >= 60, '60 deliveries', 10_000);
  expect([...ids(onA.received), ...ids(onB.received)].sort()).toEqual(wanted);
});
