/** /api/connectors finds each connector's last event from event heads, reading no payload. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import { createOperatorApi, type OperatorApi } from '../../../src/api/operator-api.ts';
import { createEmbeddedBus } from '../../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { EMPTY_RULE_SET } from '../../../src/rules/rule-set.ts';
import { silentLogger, tempDir } from '../../helpers/hub-fixtures.ts';

const TOKEN = 'connectors-t0ken-0123456789abcdef0123';
let bus: EventBus;
let api: OperatorApi;
let server: Server;
let base = '';

beforeAll(async () => {
  bus = await createEmbeddedBus({ path: join(tempDir(), 'hookhub.db') });
  for (let i = 0; i < 1_200; i++) {
    const connector = i === 3 ? 'stripe' : 'github';
    const event = createHubEvent({ id: `e${i}`, type: `${connector}.thing`, connector, subject: `s${i}`, title: `t${i}`, data: {} });
    await bus.publish('events', { id: event.id, subject: event.type, payload: event });
    await bus.publish('jobs', { id: `${event.id}:r:0`, subject: 'notify', payload: {} });
  }
  // The bus as the API sees it, minus every read that hands out payloads.
  const noPayloads = new Proxy(bus, {
    get(target, key) {
      if (key === 'query' || key === 'get') return () => Promise.reject(new Error(`${String(key)} reads payloads`));
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const config = parseConfig(
    '/tmp/hookhub.yaml',
    `connectors:
  github: { type: github, secret: connectors-test-secret }
  stripe: { type: stripe, secret: whsec_connectors_test }
  quiet: { type: github, secret: connectors-test-secret-2 }
api: { tokens: [{ name: alice, token: ${TOKEN}, role: viewer }] }
`,
    { vars: {} },
  );
  api = createOperatorApi({ bus: noPayloads, config, getRuleSet: () => EMPTY_RULE_SET, registry: actions, logger: silentLogger });
  server = createServer(api.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  api?.close();
  server?.close();
  await bus?.close();
});

it('shows each connector its newest event among the recent ones, from heads alone', async () => {
  const res = await fetch(`${base}/api/connectors`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const { connectors } = (await res.json()) as { connectors: { name: string; lastEvent?: Record<string, unknown> }[] };
  const last = Object.fromEntries(connectors.map((c) => [c.name, c.lastEvent]));
  expect(last.github).toMatchObject({ id: 'e1199', type: 'github.thing', connector: 'github', subject: 's1199', title: 't1199' });
  // Past the first read of heads, and past the jobs between them.
  expect(last.stripe).toMatchObject({ id: 'e3', connector: 'stripe' });
  expect(last.quiet).toBeUndefined();
});
