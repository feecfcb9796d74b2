import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genericConnector } from '../../connectors/generic/index.ts';
import { githubConnector } from '../../connectors/github/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

const config = { type: 'github' as const, secret: ['current-secret', 'old-secret'] };
/** Signs its delivery id, but names each event by another header: the provider's event id, which nothing signs. */
const acme = genericConnector.configSchema.parse({
  type: 'generic',
  provider: 'acme',
  verify: { hmac: { header: 'X-Acme-Signature', signedContent: '{id}.{body}', idHeader: 'X-Acme-Delivery', secret: 'acme-secret' } },
  idFrom: { header: 'X-Acme-Event-Id' },
});
const signer = { type: 'github' as const, secret: ['current-secret'] };
const oldSigner = { type: 'github' as const, secret: ['old-secret'] };
const payload = JSON.stringify({
  action: 'opened',
  number: 7,
  pull_request: { number: 7, title: 'Fix', html_url: 'https://github.com/acme/api/pull/7', user: { login: 'ana' } },
  repository: { full_name: 'acme/api' },
  sender: { login: 'ana' },
});

/** Each real delivery has its own body (GitHub signs only the body, so the hub dedups on it too). */
function freshPayload(): string {
  return JSON.stringify({ ...JSON.parse(payload), delivery_nonce: randomUUID() });
}

let bus: EventBus;
let server: IngressServer;
let base: string;

function signed(body: string | Buffer, id = randomUUID(), event = 'pull_request', cfg = signer) {
  const buf = Buffer.from(body);
  return { headers: githubConnector.sign(buf, { name: 'gh', config: cfg, now: () => new Date() }, { id, event }), body: buf, id };
}

function post(path: string, headers: Record<string, string>, body: Buffer | string) {
  return fetch(`${base}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
}

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  const connectors = new Map<string, ConnectorInstance>([
    ['gh', { name: 'gh', connector: githubConnector, config }],
    ['acme', { name: 'acme', connector: genericConnector, config: acme }],
  ]);
  server = new IngressServer({ connectors, bus, bodyLimit: 1024 * 1024, logger: silentLogger });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});

afterAll(async () => {
  await server.close();
  await bus.close();
});

describe('POST /hooks/<connector>', () => {
  it('stores a verified delivery as a CloudEvent before answering 202', async () => {
    const { headers, body, id } = signed(freshPayload());
    const res = await post('/hooks/gh', headers, body);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id, duplicate: false });
    const stored = await bus.get<HubEvent>('events', id);
    expect(stored?.payload).toMatchObject({
      specversion: '1.0',
      id,
      type: 'github.pull_request.opened',
      source: '/connectors/gh',
      subject: 'acme/api#7',
      actor: 'ana',
    });
  });

  it('recognizes a provider retry by its delivery id and stores it once', async () => {
    const { headers, body, id } = signed(freshPayload());
    expect(await (await post('/hooks/gh', headers, body)).json()).toEqual({ id, duplicate: false });
    expect(await (await post('/hooks/gh', headers, body)).json()).toEqual({ id, duplicate: true });
    const all = await bus.query({ stream: 'events', limit: 1000 });
    expect(all.filter((m) => m.id === id)).toHaveLength(1);
  });

  it('recognizes the same signed body under a new delivery id, or with another event header, as a replay', async () => {
    const body = JSON.stringify({ ...JSON.parse(payload), nonce: randomUUID() });
    const first = signed(body);
    expect(await (await post('/hooks/gh', first.headers, first.body)).json()).toEqual({ id: first.id, duplicate: false });
    const replayed = signed(body);
    const res = await post('/hooks/gh', replayed.headers, replayed.body);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: replayed.id, duplicate: true });
    const retyped = signed(body, randomUUID(), 'issues');
    expect(await (await post('/hooks/gh', retyped.headers, retyped.body)).json()).toEqual({ id: retyped.id, duplicate: true });
    expect(await bus.get('events', replayed.id)).toBeUndefined();
    expect(await bus.get('events', retyped.id)).toBeUndefined();
  });

  it('recognizes a generic delivery resent with a new event id that the signature does not cover as a replay', async () => {
    const body = Buffer.from(JSON.stringify({ type: 'order.created', nonce: randomUUID() }));
    const headers = genericConnector.sign(
      body,
      { name: 'acme', config: acme, now: () => new Date() },
      { id: 'd-1', event: 'order.created' },
    );
    const send = (eventId: string) => post('/hooks/acme', { ...headers, 'x-acme-event-id': eventId }, body);
    const [first, replayed] = [randomUUID(), randomUUID()];
    // A generic connector's ids are chosen by its sender, so they are scoped by the connector's name.
    expect(await (await send(first)).json()).toEqual({ id: `acme:${first}`, duplicate: false });
    expect(await (await send(replayed)).json()).toEqual({ id: `acme:${replayed}`, duplicate: true });
    expect(await bus.get('events', `acme:${replayed}`)).toBeUndefined();
  });

  it('accepts a signature made with an older secret that is still listed', async () => {
    const { headers, body } = signed(freshPayload(), randomUUID(), 'pull_request', oldSigner);
    expect((await post('/hooks/gh', headers, body)).status).toBe(202);
  });

  it.each([
    ['a bad signature', (h: Record<string, string>) => ({ ...h, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }), payload],
    [
      'a missing signature',
      (h: Record<string, string>) => {
        const { 'x-hub-signature-256': _, ...rest } = h;
        return rest;
      },
      payload,
    ],
    ['a re-serialized body', (h: Record<string, string>) => h, JSON.stringify(JSON.parse(payload), null, 2)],
  ])('answers 401 to %s and stores nothing', async (_label, mutate, sentBody) => {
    const { headers, id } = signed(freshPayload());
    const res = await post('/hooks/gh', mutate(headers), sentBody);
    expect(res.status).toBe(401);
    expect(await bus.get('events', id)).toBeUndefined();
  });

  it.each([
    ['non-JSON', 'hello there'],
    ['truncated JSON', payload.slice(0, 40)],
    ['an empty body', ''],
  ])('answers 400 to a signed %s body', async (_label, text) => {
    const { headers, id } = signed(text);
    const res = await post('/hooks/gh', headers, text);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/body/);
    expect(await bus.get('events', id)).toBeUndefined();
  });

  it('answers 413 to a 2 MiB body without reading it all', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    const { headers } = signed(big);
    const res = await post('/hooks/gh', headers, big);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/bodyLimit/);
  });

  it('answers 415 to a content type the provider never sends', async () => {
    const { headers, body } = signed(freshPayload());
    const res = await post('/hooks/gh', { ...headers, 'content-type': 'text/xml' }, body);
    expect(res.status).toBe(415);
  });

  it('answers 415 to a compressed body instead of refusing its bytes as a bad body or signature; identity is taken', async () => {
    const { headers, body } = signed(freshPayload());
    const res = await post('/hooks/gh', { ...headers, 'content-encoding': 'gzip' }, gzipSync(body));
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported Content-Encoding gzip (send the body uncompressed)');
    expect((await post('/hooks/gh', { ...headers, 'content-encoding': 'identity' }, body)).status).toBe(202);
  });

  it('answers 405 with Allow: POST to a GET (a browser opening the URL), not 401 blaming the signature', async () => {
    for (const method of ['GET', 'PUT']) {
      const res = await fetch(`${base}/hooks/gh`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(((await res.json()) as { error: string }).error).toBe('use POST: github sends its webhooks as POST requests');
    }
  });

  it('answers 404 to an unknown connector', async () => {
    const res = await post('/hooks/nope', { 'content-type': 'application/json' }, '{}');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('unknown connector "nope"');
  });

  it('answers and records a GitHub ping', async () => {
    const { headers, body, id } = signed(JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), randomUUID(), 'ping');
    const res = await post('/hooks/gh', headers, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, id });
    expect((await bus.get<HubEvent>('events', id))?.payload.type).toBe('github.ping');
  });
});

describe('deeply nested JSON from a verified sender', () => {
  it('answers 400 (not 503, which the provider would retry forever) and stores nothing', async () => {
    const deep = `{"action":"opened","x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const { headers, body, id } = signed(deep);
    const res = await post('/hooks/gh', headers, body);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('deeper than 128 levels');
    expect(await bus.get('events', id)).toBeUndefined();
    // Brackets inside strings are text, not nesting.
    const text = signed(JSON.stringify({ ...JSON.parse(payload), note: '['.repeat(500) }));
    expect((await post('/hooks/gh', text.headers, text.body)).status).toBe(202);
  });
});

describe('health', () => {
  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('when the bus cannot persist', () => {
  it('answers 503 with Retry-After, never 202', async () => {
    const broken = await openTempEmbeddedBus();
    const connectors = new Map<string, ConnectorInstance>([
      ['gh', { name: 'gh', connector: githubConnector, config }],
      ['acme', { name: 'acme', connector: genericConnector, config: acme }],
    ]);
    const ingress = new IngressServer({ connectors, bus: broken, bodyLimit: 1024 * 1024, logger: silentLogger });
    const url = `http://127.0.0.1:${await ingress.listen(0)}`;
    await broken.close();
    const { headers, body } = signed(freshPayload());
    const res = await fetch(`${url}/hooks/gh`, { method: 'POST', headers, body });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    await ingress.close();
  });
});
