/**
 * A deployment upgraded on the same NATS data: releases before the history sweep created the history
 * stream with a `max_age` of the retention, so NATS itself dropped a dead letter's records after it.
 * The upgraded hub takes that `max_age` off at start, and its sweep keeps the records written before.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createNatsNames } from '../../src/bus/nats/nats-names.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
const DAY_MS = 24 * 3600 * 1000;
let counter = 0;
let prefix: string;
let nc: NatsConnection;
const buses: NatsBus[] = [];

beforeEach(async () => {
  prefix = `upg${++counter}`;
  nc = await connect({ servers: natsServer().url });
});

afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
  await nc.close();
});

async function openBus(): Promise<NatsBus> {
  const bus = await createNatsBus({ url: natsServer().url, prefix, pruneEveryMs: 3_600_000 });
  buses.push(bus);
  return bus;
}

const attempt = (ref: string, n: number) => ({ ref, kind: 'attempt', time: new Date().toISOString(), data: { n } });

it('an upgraded hub takes the max_age off the history stream older releases made, and keeps the dead letter’s older records', async () => {
  const old = await openBus();
  for (const n of [1, 2]) for (const ref of ['dead:rule:0', 'done:rule:0']) await old.record(attempt(ref, n));
  await old.deadLetter({
    id: 'dead:rule:0',
    subject: 'webhook',
    payload: {},
    reason: 'HTTP 400',
    time: new Date().toISOString(),
    attempts: [],
  });
  await old.close();
  const jsm = await jetstreamManager(nc);
  const { historyStream } = createNatsNames(prefix);
  // The stream as the older release left it.
  await jsm.streams.update(historyStream, { max_age: nanos(7 * DAY_MS) });

  const bus = await openBus();
  expect((await jsm.streams.info(historyStream)).config.max_age).toBe(0);
  // Every record is older than a cutoff 1 ms ahead: only the finished job's go.
  expect(await bus.prune(DAY_MS, -1)).toBe(2);
  expect((await bus.records('dead:rule:0')).map((r) => r.data.n)).toEqual([1, 2]);
  expect(await bus.records('done:rule:0')).toEqual([]);
  expect(await bus.countDeadLetters()).toBe(1);
});
