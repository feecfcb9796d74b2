import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, ConnectorContext } from '../../connectors/connector.ts';
import { connectorRegistry } from '../../connectors/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { batteryConnectors } from '../helpers/battery-connectors.ts';
import { loadFixture } from '../helpers/connector-request.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

/**
 * The same bad-input battery, over real HTTP against the ingress with a real embedded bus, for every
 * registered connector: each bad request gets its exact status, nothing is published, the server lives.
 */
const registry = connectorRegistry as Readonly<Record<string, Connector>>;
const types = Object.keys(registry).filter((type) => batteryConnectors[type] !== undefined);
const BODY_LIMIT = 1024 * 1024;
const SECRET = 'battery-secret-0123456789abcdef';
const OTHER_SECRET = 'battery-other-fedcba9876543210';

let bus: EventBus;
let server: IngressServer;
let base: string;

function contextFor(type: string, secret: string): ConnectorContext<{ type: string }> {
  const connector = registry[type]!;
  const config = connector.configSchema.parse(batteryConnectors[type]!.config(secret));
  return { name: type, config, now: () => new Date() };
}

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const connectors = new Map<string, ConnectorInstance>();
  for (const type of types) {
    const config = contextFor(type, SECRET).config as ConnectorInstance['config'];
    connectors.set(type, { name: type, connector: registry[type]!, config });
  }
  server = new IngressServer({ connectors, bus, bodyLimit: BODY_LIMIT, logger: silentLogger });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

afterAll(async () => {
  await server?.close();
  await bus?.close();
});

async function storedEvents(): Promise<number> {
  return (await bus.query({ stream: 'events', limit: 100_000 })).length;
}

async function post(type: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  const res = await fetch(`${base}/hooks/${type}`, { method: 'POST', headers, body: new Uint8Array(body) });
  await res.arrayBuffer();
  return res.status;
}

interface Signing {
  secret?: string;
  body?: Buffer;
  now?: Date;
  id?: string;
}

/** A valid request for `type`: its sample (or `body`), signed by the connector's own `sign()`. */
function validRequest(type: string, { secret = SECRET, body, now = new Date(), id = randomUUID() }: Signing = {}) {
  const connector = registry[type]!;
  const entry = batteryConnectors[type]!;
  const event = entry.sample ?? Object.keys(connector.samples)[0]!;
  const raw = loadFixture(type, connector.samples[event]!);
  const sample = body ?? (entry.prepare ? entry.prepare(raw, now) : raw);
  const ctx = { ...contextFor(type, secret), now: () => now };
  const headers = connector.sign(sample, ctx, { id, event });
  return { headers, body: sample, sign: (other: Buffer) => connector.sign(other, ctx, { id, event }) };
}

/** Header names whose value depends on the secret alone: the signature (or token) headers. */
function authHeaderNames(type: string): string[] {
  const probe = { body: Buffer.from('{"probe":true}'), now: new Date(), id: randomUUID() };
  const a = validRequest(type, probe).headers;
  const b = validRequest(type, { ...probe, secret: OTHER_SECRET }).headers;
  return Object.keys(a).filter((name) => a[name] !== b[name]);
}

function without(headers: Record<string, string>, names: readonly string[], replacement?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!names.includes(name)) out[name] = value;
    else if (replacement !== undefined) out[name] = replacement;
  }
  return out;
}

describe('connector battery', () => {
  it('has a battery entry for every registered connector', () => {
    expect(Object.keys(registry).filter((type) => batteryConnectors[type] === undefined)).toEqual([]);
  });

  it('answers 404 to an unknown connector without publishing', async () => {
    const before = await storedEvents();
    expect(await post('no-such-connector', { 'content-type': 'application/json' }, Buffer.from('{}'))).toBe(404);
    expect(await storedEvents()).toBe(before);
  });
});

/** Connectors whose event data is not the body as parsed: Slack and Mattermost drop the token, Meta splits entries, Twilio reads a form or splits a list. */
const BUILDS_OWN_DATA = new Set(['mattermost', 'meta', 'slack', 'twilio']);

describe.each(types)('connector battery: %s', (type) => {
  const rejects = (status: number, build: () => { headers: Record<string, string>; body: Buffer }) => async () => {
    const before = await storedEvents();
    const { headers, body } = build();
    expect(await post(type, headers, body)).toBe(status);
    expect(await storedEvents()).toBe(before);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  };

  const accepted = batteryConnectors[type]?.accepted ?? 202;

  it(`positive control: a signed sample is stored as the connector parsed it, and answered ${accepted}`, async () => {
    const before = await storedEvents();
    const { headers, body } = validRequest(type);
    expect(await post(type, headers, body)).toBe(accepted);
    expect(await storedEvents()).toBeGreaterThan(before);
    // Each stored event's data equals the connector's parse (stored from its dataText, when it gives one).
    const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    const result = await registry[type]!.handle({ method: 'POST', url: `/hooks/${type}`, headers: flat, body }, contextFor(type, SECRET));
    expect(result.dataText?.length ?? result.events.length).toBe(result.events.length);
    // Every connector whose data is the body unchanged hands its text on; the others build their own data.
    expect(result.dataText === undefined).toBe(BUILDS_OWN_DATA.has(type));
    for (const [i, event] of result.events.entries()) {
      expect((await bus.get<HubEvent>('events', event.id))?.payload.data).toEqual(event.data);
      const text = result.dataText?.[i];
      if (text !== undefined) expect(JSON.parse(text)).toEqual(event.data);
    }
  });

  it('signs with at least one secret-dependent header', () => {
    expect(authHeaderNames(type).length).toBeGreaterThan(0);
  });

  it(
    '401: signature headers missing',
    rejects(401, () => {
      const valid = validRequest(type);
      return { headers: without(valid.headers, authHeaderNames(type)), body: valid.body };
    }),
  );

  it(
    '401: garbage signature',
    rejects(401, () => {
      const valid = validRequest(type);
      return { headers: without(valid.headers, authHeaderNames(type), 'garbage=='), body: valid.body };
    }),
  );

  it(
    '401: signed with another secret',
    rejects(401, () => validRequest(type, { secret: OTHER_SECRET })),
  );

  it(
    batteryConnectors[type]?.tokenOnly ? '401: tampered token (the provider signs no body)' : '401: tampered body',
    rejects(401, () => {
      const valid = validRequest(type);
      if (batteryConnectors[type]?.tokenOnly) {
        const names = authHeaderNames(type);
        return {
          headers: Object.fromEntries(Object.entries(valid.headers).map(([k, v]) => [k, names.includes(k) ? `${v}x` : v])),
          body: valid.body,
        };
      }
      return { headers: valid.headers, body: Buffer.concat([valid.body, Buffer.from(' ')]) };
    }),
  );

  it(
    '400: empty body, correctly signed',
    rejects(400, () => {
      const body = Buffer.alloc(0);
      return { headers: validRequest(type).sign(body), body };
    }),
  );

  it(
    '400: non-JSON body, correctly signed',
    rejects(400, () => {
      const body = Buffer.from('{"unterminated": ');
      return { headers: validRequest(type).sign(body), body };
    }),
  );

  it(
    '413: a 2 MiB body',
    rejects(413, () => {
      const body = Buffer.alloc(2 * 1024 * 1024, 'a');
      return { headers: validRequest(type).sign(body), body };
    }),
  );

  it(
    '415: a content type the provider never sends',
    rejects(415, () => {
      const valid = validRequest(type);
      return { headers: { ...valid.headers, 'content-type': 'text/plain' }, body: valid.body };
    }),
  );

  it('still accepts a valid delivery after all of that', async () => {
    const { headers, body } = validRequest(type);
    expect(await post(type, headers, body)).toBe(accepted);
  });
});

/** Connectors whose signature covers the body alone: a captured request verifies again under any delivery id. */
const bodySigners = types.filter((type) => registry[type]!.signsOnlyBody?.(contextFor(type, SECRET).config) === true);

describe.each(bodySigners)('connector battery, replay under a new delivery id: %s', (type) => {
  it('answers 202 {"duplicate":true} to the same signed body under another id, and stores nothing', async () => {
    const sample = validRequest(type).body;
    const fresh = Buffer.from(JSON.stringify({ ...(JSON.parse(sample.toString('utf8')) as object), battery_nonce: randomUUID() }));
    const send = async (id: string) => {
      const { headers, body } = validRequest(type, { body: fresh, id });
      const res = await fetch(`${base}/hooks/${type}`, { method: 'POST', headers, body: new Uint8Array(body) });
      return { status: res.status, answer: (await res.json()) as { id: string; duplicate: boolean } };
    };
    const [first, replayed] = [randomUUID(), randomUUID()];
    // Jira's identifier is unique only within one site, so the hub scopes it by the connector's name.
    const eventId = (delivery: string) => (type === 'jira' ? `${type}:${delivery}` : delivery);
    expect(await send(first)).toEqual({ status: 202, answer: { id: eventId(first), duplicate: false } });
    const before = await storedEvents();
    expect(await send(replayed)).toEqual({ status: 202, answer: { id: eventId(replayed), duplicate: true } });
    expect(await storedEvents()).toBe(before);
    expect(await bus.get('events', eventId(replayed))).toBeUndefined();
  });
});

it('covers every connector that signs only the body', () => {
  expect(bodySigners).toEqual(expect.arrayContaining(['github', 'shopify', 'razorpay', 'bitbucket', 'jira', 'sentry', 'linear']));
});
