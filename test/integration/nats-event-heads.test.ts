/**
 * On NATS, event heads and counts come from each event's head header, read by a headers-only consumer:
 * no payload crosses the network or is parsed. An event stored by an older release has no such header
 * and is read whole.
 */
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { HEAD_HEADER } from '../../src/bus/nats/nats-envelope.ts';
import { createNatsNames } from '../../src/bus/nats/nats-names.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
let counter = 0;
let prefix = '';
let nc: NatsConnection;
let bus: NatsBus;

beforeEach(async () => {
  prefix = `heads${++counter}`;
  nc = await connect({ servers: natsServer().url });
  bus = await createNatsBus({ url: natsServer().url, prefix, pruneEveryMs: 3_600_000 });
});
afterEach(async () => {
  await bus.close();
  await nc.close();
});

/** Stores a message on the events stream as given, beside the bus. */
async function storeRaw(id: string, type: string, body: string, head?: Record<string, unknown>): Promise<void> {
  const h = headers();
  if (head) h.set(HEAD_HEADER, JSON.stringify(head));
  await jetstream(nc).publish(createNatsNames(prefix).subject('events', id, type), body, head ? { headers: h } : {});
}

it('lists and counts events from their head headers without reading their bodies', async () => {
  const event = createHubEvent({ id: 'ok', type: 'github.push', connector: 'github', title: 'Ünïcode title', data: {} });
  await bus.publish('events', { id: event.id, subject: event.type, payload: event });
  // A body no reader could parse: only its header can say what it is.
  await storeRaw('opaque', 'stripe.charge.succeeded', 'not json at all', {
    id: 'opaque',
    type: 'stripe.charge.succeeded',
    connector: 'stripe',
  });
  const { heads } = await bus.eventHeads({});
  expect(heads.map((h) => [h.id, h.type, h.connector])).toEqual([
    ['opaque', 'stripe.charge.succeeded', 'stripe'],
    ['ok', 'github.push', 'github'],
  ]);
  expect(heads[1]?.title).toBe('Ünïcode title');
  expect((await bus.eventHeads({ connector: 'stripe' })).heads.map((h) => h.id)).toEqual(['opaque']);
  const counts = await bus.countEvents({ since: new Date(Date.now() - 60_000), until: new Date(Date.now() + 60_000), bucketMs: 3_600_000 });
  expect(counts.map((c) => [c.type, c.connector, c.count]).sort()).toEqual([
    ['github.push', 'github', 1],
    ['stripe.charge.succeeded', 'stripe', 1],
  ]);
});

it('reads an event an older release stored (no head header) whole, and lists and counts it the same', async () => {
  const event = createHubEvent({
    id: 'legacy',
    type: 'github.push',
    connector: 'github',
    subject: 'acme/api',
    data: { big: 'x'.repeat(5_000) },
  });
  await storeRaw('legacy', 'github.push', JSON.stringify({ id: 'legacy', subject: 'github.push', payload: event }));
  const [head] = (await bus.eventHeads({ type: 'github.*' })).heads;
  expect(head).toMatchObject({ id: 'legacy', type: 'github.push', connector: 'github', subject: 'acme/api' });
  const counts = await bus.countEvents({ since: new Date(Date.now() - 60_000), until: new Date(Date.now() + 60_000), bucketMs: 3_600_000 });
  expect(counts.map((c) => [c.type, c.connector, c.count])).toEqual([['github.push', 'github', 1]]);
});
