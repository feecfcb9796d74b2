/**
 * A verified batch with unusable items (Meta's entry[].changes[], Twilio Event Streams' CloudEvents) over the
 * real HTTP ingress: the good items are stored and acknowledged with 2xx, the bad ones are reported in the log,
 * the answer, `hookhub_ingress_dropped_items_total` and the `hookhub.connector.rejections` meta-event.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { metaConnector } from '../../connectors/meta/index.ts';
import { twilioConnector } from '../../connectors/twilio/index.ts';
import { signTwilio } from '../../connectors/twilio/verify.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { createMetaPublisher, type MetaPublisher } from '../../src/meta/meta-publisher.ts';
import { createMetrics, type Metrics } from '../../src/observability/metrics.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';
import { objectContaining } from '../helpers/matchers.ts';

const APP_SECRET = 'meta-app-secret-0123456789';
const AUTH_TOKEN = 'twilio-token-0123456789';
const PUBLIC_URL = 'https://hooks.example.com';
/** In the bad items only: a dropped item's content never reaches the log or the answer. */
const PRIVATE = 'private text of a bad item';
const instances: ConnectorInstance[] = [
  { name: 'meta', connector: metaConnector, config: { type: 'meta', appSecret: [APP_SECRET], verifyToken: ['t'] } },
  { name: 'twilio', connector: twilioConnector, config: { type: 'twilio', authToken: [AUTH_TOKEN], publicUrl: PUBLIC_URL } },
];

let bus: EventBus;
let server: IngressServer;
let metrics: Metrics;
let meta: MetaPublisher;
let base: string;
let metaTime = new Date('2026-12-05T10:01:00Z');
let lines: Record<string, unknown>[] = [];
let logText = '';

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  metrics = createMetrics({ processMetrics: false });
  meta = createMetaPublisher({ bus, logger: silentLogger, now: () => metaTime });
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logText += chunk.toString();
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  const connectors = new Map(instances.map((i) => [i.name, i]));
  server = new IngressServer({ connectors, bus, bodyLimit: 1 << 20, logger, metrics, onHook: (o) => meta.observeHook(o) });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

beforeEach(() => {
  lines = [];
  logText = '';
});

afterAll(async () => {
  await server.close();
  await meta.stop();
  await bus.close();
});

async function postMeta(payload: unknown) {
  const body = Buffer.from(JSON.stringify(payload));
  const headers = metaConnector.sign(
    body,
    { name: 'meta', config: instances[0]!.config as never, now: () => new Date() },
    { id: '', event: '' },
  );
  const res = await fetch(`${base}/hooks/meta`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, answer: (await res.json()) as { events?: { id: string }[]; dropped?: unknown[] } };
}

async function postEventStreams(items: unknown[]) {
  const body = Buffer.from(JSON.stringify(items));
  const hash = createHash('sha256').update(body).digest('hex');
  const signature = signTwilio(AUTH_TOKEN, `${PUBLIC_URL}/hooks/twilio?bodySHA256=${hash}`, []);
  const headers = { 'content-type': 'application/json', 'x-twilio-signature': signature };
  return fetch(`${base}/hooks/twilio?bodySHA256=${hash}`, { method: 'POST', headers, body: new Uint8Array(body) });
}

function droppedLines(): Record<string, unknown>[] {
  return lines.filter((line) => line.msg === 'verified batch: unusable items dropped, the rest stored');
}

async function droppedMetric(connector: string): Promise<number> {
  const metric = await metrics.ingressDroppedItems.get();
  return metric.values.find((v) => v.labels.connector === connector)?.value ?? 0;
}

const feed = (message: string) => ({ field: 'feed', value: { verb: 'add', message } });

describe('ingress: verified batches with unusable items', () => {
  it('stores every good Meta change, answers 202 and reports the bad ones without their content', async () => {
    const payload = {
      object: 'page',
      entry: [
        { id: '42', time: 1764928800, changes: [feed('first'), { value: { message: PRIVATE } }, feed('second')] },
        { id: '43', time: 1764928800, changes: { message: PRIVATE } },
        { id: '44', time: 1764928800, changes: [feed('third')] },
      ],
    };
    const { status, answer } = await postMeta(payload);
    expect(status).toBe(202);
    expect(answer.dropped).toEqual([
      { item: 'entry[0].changes[1]', reason: 'no usable `field`' },
      { item: 'entry[1].changes', reason: 'not a list' },
    ]);
    const stored = await Promise.all((answer.events ?? []).map(({ id }) => bus.get<HubEvent>('events', id)));
    expect(stored.map((m) => m?.payload.title)).toEqual(['first', 'second', 'third']);
    expect(droppedLines()).toEqual([objectContaining({ level: 40, connector: 'meta', dropped: 2, items: answer.dropped })]);
    for (const secret of [PRIVATE, APP_SECRET]) expect(logText).not.toContain(secret);
    expect(await droppedMetric('meta')).toBe(2);
  });

  it('acknowledges a Meta batch whose every item is unusable, so Meta does not retry it for hours', async () => {
    const before = await droppedMetric('meta');
    const { status, answer } = await postMeta({ object: 'page', entry: [{ id: '1', changes: [{ value: {} }] }, { id: '2' }] });
    expect(status).toBe(202);
    expect(answer).toMatchObject({ id: null, events: [], dropped: [{ item: 'entry[0].changes[0]' }, { item: 'entry[1]' }] });
    expect(await droppedMetric('meta')).toBe(before + 2);
  });

  it('stores the good CloudEvents of a Twilio Event Streams delivery and answers 204', async () => {
    const good = { id: 'EZ00000000000000000000000000000001', type: 'com.twilio.messaging.message.delivered', data: {} };
    const res = await postEventStreams([{ type: 'com.twilio.messaging.message.sent', data: { body: PRIVATE } }, good, { id: 'EZ2' }]);
    expect(res.status).toBe(204);
    expect((await bus.get<HubEvent>('events', good.id))?.payload.type).toBe('twilio.messaging.message.delivered');
    expect(droppedLines()).toEqual([
      objectContaining({
        connector: 'twilio',
        dropped: 2,
        items: [
          { item: '[0]', reason: 'Event Streams item without an `id`' },
          { item: '[2]', reason: 'Event Streams item without a usable `type`' },
        ],
      }),
    ]);
    expect(logText).not.toContain(PRIVATE);
    expect(await droppedMetric('twilio')).toBe(2);
  });

  it('counts dropped items in the connector rejections meta-event', async () => {
    metaTime = new Date('2026-12-05T10:05:00Z');
    await meta.flush();
    const events = (await bus.query<HubEvent>({ stream: 'events', afterSeq: 0, limit: 1000 }))
      .map((m) => m.payload)
      .filter((e) => e.type === 'hookhub.connector.rejections');
    expect(events.map((e) => [e.subject, e.data, e.title])).toEqual([
      ['meta', objectContaining({ total: 4, counts: { dropped_item: 4 } }), '4 batch items dropped on connector meta (4 dropped_item)'],
      ['twilio', objectContaining({ total: 2, counts: { dropped_item: 2 } }), '2 batch items dropped on connector twilio (2 dropped_item)'],
    ]);
  });
});
