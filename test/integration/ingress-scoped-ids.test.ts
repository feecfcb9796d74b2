import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../../connectors/connector.ts';
import { genericConnector } from '../../connectors/generic/index.ts';
import { jiraConnector } from '../../connectors/jira/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

/**
 * Event ids that only a sender makes unique (a body digest, a counter, a per-site number) must not
 * make one connector's event a duplicate of another's: the second would be answered 202 and dropped.
 */
const apiKey = (secret: string) => ({ type: 'generic', provider: 'uptime', verify: { apiKey: { header: 'X-Key', secret } } });
const counted = (secret: string) => ({ ...apiKey(secret), idFrom: { header: 'X-Seq' } });
/** Signs the body only: the hub also dedups these on a digest of the body (the content key). */
const hmac = (secret: string) => ({
  type: 'generic',
  provider: 'acme',
  verify: { hmac: { header: 'X-Sig', secret } },
  idFrom: { header: 'X-Seq' },
});
const INSTANCES: [string, Connector, unknown][] = [
  ['uptime-prod', genericConnector, apiKey('prod-key')],
  ['uptime-staging', genericConnector, apiKey('staging-key')],
  ['counter-a', genericConnector, counted('a-key')],
  ['counter-b', genericConnector, counted('b-key')],
  ['signed-a', genericConnector, hmac('a-secret')],
  ['signed-b', genericConnector, hmac('b-secret')],
  ['jira-one', jiraConnector, { type: 'jira', secret: 'one-secret' }],
  ['jira-two', jiraConnector, { type: 'jira', secret: 'two-secret' }],
];

function connectorMap(): Map<string, ConnectorInstance> {
  return new Map(
    INSTANCES.map(([name, connector, block]) => {
      const config = connector.configSchema.parse(block) as ConnectorInstance['config'];
      return [name, { name, connector, config }];
    }),
  );
}

interface Delivery {
  status: number;
  answer: { id: string; duplicate: boolean };
}

const natsServer = useNatsServer();

describe.each([
  ['embedded', () => openTempEmbeddedBus()],
  ['nats', () => createNatsBus({ url: natsServer().url, prefix: `scoped${process.pid}` })],
])('event ids scoped by connector (%s bus)', (_label, openBus: () => Promise<EventBus>) => {
  let bus: EventBus;
  let server: IngressServer;
  let base: string;
  const connectors = connectorMap();

  beforeAll(async () => {
    bus = await openBus();
    server = new IngressServer({ connectors, bus, bodyLimit: 1 << 20, logger: silentLogger });
    base = `http://127.0.0.1:${await server.listen(0)}`;
  });

  afterAll(async () => {
    await server.close();
    await bus.close();
  });

  async function deliver(
    name: string,
    body: string,
    meta: { id: string; event: string } = { id: randomUUID(), event: 'status' },
    to = base,
  ): Promise<Delivery> {
    const instance = connectors.get(name)!;
    const ctx = { name, config: instance.config, now: () => new Date() };
    const headers = instance.connector.sign(Buffer.from(body), ctx, meta);
    const res = await fetch(`${to}/hooks/${name}`, { method: 'POST', headers, body });
    return { status: res.status, answer: (await res.json()) as Delivery['answer'] };
  }

  async function expectBothStored(first: Delivery, second: Delivery, names: [string, string]): Promise<void> {
    expect([first.status, second.status]).toEqual([202, 202]);
    expect([first.answer.duplicate, second.answer.duplicate]).toEqual([false, false]);
    expect(first.answer.id).not.toBe(second.answer.id);
    const stored = await Promise.all([first, second].map((d) => bus.get<HubEvent>('events', d.answer.id)));
    expect(stored.map((m) => m?.payload.connector)).toEqual(names);
  }

  it('stores the same body at two connectors that derive ids from the body, and still drops its redelivery', async () => {
    const body = JSON.stringify({ status: 'down', check: randomUUID() });
    const prod = await deliver('uptime-prod', body);
    const staging = await deliver('uptime-staging', body);
    await expectBothStored(prod, staging, ['uptime-prod', 'uptime-staging']);
    expect(await deliver('uptime-prod', body)).toEqual({ status: 202, answer: { id: prod.answer.id, duplicate: true } });
  });

  it('stores two senders that number their deliveries alike, and still drops a sender repeating its number', async () => {
    const seq = String(Math.floor(Math.random() * 1e9));
    const a = await deliver('counter-a', JSON.stringify({ from: 'a', n: seq }), { id: seq, event: 'status' });
    const b = await deliver('counter-b', JSON.stringify({ from: 'b', n: seq }), { id: seq, event: 'status' });
    await expectBothStored(a, b, ['counter-a', 'counter-b']);
    const again = await deliver('counter-a', JSON.stringify({ from: 'a', n: seq, retry: true }), { id: seq, event: 'status' });
    expect(again).toEqual({ status: 202, answer: { id: a.answer.id, duplicate: true } });
  });

  it('keeps the content key of a body-signing connector to its own connector', async () => {
    const body = JSON.stringify({ type: 'ping', nonce: randomUUID() });
    const a = await deliver('signed-a', body);
    const b = await deliver('signed-b', body);
    await expectBothStored(a, b, ['signed-a', 'signed-b']);
    // The same signed body under a new id at the same connector is a replay.
    expect((await deliver('signed-a', body)).answer.duplicate).toBe(true);
  });

  it('stores two Jira sites sending the same webhook identifier', async () => {
    const identifier = String(Math.floor(Math.random() * 1e9));
    const event = (site: string) => JSON.stringify({ webhookEvent: 'jira:issue_created', issue: { key: 'OPS-1', self: site } });
    const one = await deliver('jira-one', event('https://one.atlassian.net'), { id: identifier, event: 'jira:issue_created' });
    const two = await deliver('jira-two', event('https://two.atlassian.net'), { id: identifier, event: 'jira:issue_created' });
    await expectBothStored(one, two, ['jira-one', 'jira-two']);
  });

  it('answers a Jira retry that spans the upgrade as a duplicate, by its body', async () => {
    // The release before: the same ingress and bus, with the bare identifier as the id.
    const bare: Connector = {
      ...jiraConnector,
      async handle(request, ctx) {
        const result = await jiraConnector.handle(request, ctx as Parameters<typeof jiraConnector.handle>[1]);
        const identifier = request.headers['x-atlassian-webhook-identifier']!;
        return { ...result, events: result.events.map((e) => ({ ...e, id: identifier })) };
      },
    };
    const before = new IngressServer({
      connectors: new Map([['jira-one', { ...connectors.get('jira-one')!, connector: bare }]]),
      bus,
      bodyLimit: 1 << 20,
      logger: silentLogger,
    });
    const beforeBase = `http://127.0.0.1:${await before.listen(0)}`;
    const identifier = String(Math.floor(Math.random() * 1e9));
    const body = JSON.stringify({ webhookEvent: 'jira:issue_created', issue: { key: 'OPS-2', nonce: randomUUID() } });
    const meta = { id: identifier, event: 'jira:issue_created' };
    try {
      expect(await deliver('jira-one', body, meta, beforeBase)).toEqual({ status: 202, answer: { id: identifier, duplicate: false } });
    } finally {
      await before.close();
    }
    expect(await deliver('jira-one', body, meta)).toEqual({ status: 202, answer: { id: `jira-one:${identifier}`, duplicate: true } });
    expect(await bus.get('events', `jira-one:${identifier}`)).toBeUndefined();
  });
});
