/**
 * A job the destination took while the history could not be written (a NATS cluster electing the history
 * stream's leader after a node loss answers "no responders" for seconds): the worker keeps trying to record
 * the success instead of putting the job back, so the destination gets it once, not again on redelivery.
 */
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { attempts, delay, eventually, makeJob, publishJob, startSink, startWorker, type Sink } from './delivery-harness.ts';
import type { DeliveryWorker } from '../../src/actions/runtime/delivery-worker.ts';

const nats = useNatsServer();
let bus: EventBus;
let sink: Sink;
let worker: DeliveryWorker | undefined;
let nc: NatsConnection;
let jsm: JetStreamManager;
let prefix: string;

beforeEach(async () => {
  prefix = `rec${process.pid}x${Date.now() % 1_000_000}`;
  bus = await createNatsBus({ url: nats().url, prefix });
  sink = await startSink();
  nc = await connect({ servers: nats().url });
  jsm = await jetstreamManager(nc);
});
afterEach(async () => {
  await worker?.stop(0);
  await sink.close();
  await bus.close();
  for await (const name of jsm.streams.names()) if (name.toLowerCase().includes(prefix)) await jsm.streams.delete(name);
  await nc.close();
});

/** The history stream stops taking records (its subjects moved away: "no responders", as with no leader), or takes them again. */
async function historyWrites(on: boolean): Promise<void> {
  const subject = on ? `${prefix}.history.>` : `${prefix}.history-off.>`;
  await jsm.streams.update(`${prefix.toUpperCase()}_HISTORY`, { subjects: [subject] });
}

it('records a success the history refused at first once it takes records again, and does not send the job twice', async () => {
  await historyWrites(false);
  let restored: Promise<void> | undefined;
  sink.reply = () => {
    // Back a second after the destination took the job: a short election.
    restored ??= delay(1_000).then(() => historyWrites(true));
    return { status: 200, body: 'ok' };
  };
  worker = startWorker(bus);
  const job = makeJob('webhook', { url: `${sink.url}/hook`, body: { n: 1 } });
  await publishJob(bus, job);

  await eventually(async () => (await attempts(bus, job.id)).length > 0, 'the attempt recorded', 15_000);
  await restored;
  await delay(1_500);
  expect((await attempts(bus, job.id)).map((a) => a.outcome)).toEqual(['success']);
  expect(sink.requests).toHaveLength(1);
  expect(await bus.getDeadLetter(job.id)).toBeUndefined();
});
