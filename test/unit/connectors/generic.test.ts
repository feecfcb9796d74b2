import { describe, expect, it } from 'vitest';
import { GenericConfigSchema } from '../../../connectors/generic/config.ts';
import { genericConnector } from '../../../connectors/generic/index.ts';
import { eventSegments, valueAtPath } from '../../../connectors/generic/normalize.ts';
import { signaturesIn, verifyGeneric } from '../../../connectors/generic/verify.ts';
import { PayloadError, VerificationError } from '../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../helpers/signed-connector-cases.ts';

const NOW = new Date('2025-03-04T12:00:10Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const order = loadFixture('generic', 'order.created.json');
const meta = { id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', event: 'order.created' };

const hmacConfig = (secret: string | string[]) => ({
  type: 'generic',
  provider: 'acme',
  verify: {
    hmac: {
      header: 'X-Acme-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'v1=',
      signedContent: '{id}.{timestamp}.{body}',
      timestampHeader: 'X-Acme-Timestamp',
      idHeader: 'X-Acme-Id',
      secret,
    },
  },
  typeFrom: { path: 'type' },
});
const ctx = connectorContext(genericConnector, hmacConfig('acme-secret'), NOW, 'acme');

describe('generic connector: hmac with {id}.{timestamp}.{body}, sha512, base64, prefix', () => {
  itVerifiesSignedBodies({
    connector: genericConnector,
    ctx,
    rotated: connectorContext(genericConnector, hmacConfig(['acme-new', 'acme-secret']), NOW, 'acme'),
    wrong: connectorContext(genericConnector, hmacConfig('nope'), NOW, 'acme'),
    body: order,
    meta,
    signatureHeaders: ['x-acme-signature'],
    tampered: Buffer.from(order.toString().replace('4990', '4991')),
  });

  it('maps type from the body path and id from the idHeader', async () => {
    const { events } = await genericConnector.handle(signedRequest(genericConnector, ctx, order, meta), ctx);
    // The sender chooses the id, so it is scoped by the connector that received it.
    expect(events[0]).toMatchObject({ id: `acme:${meta.id}`, type: 'acme.order.created', source: '/connectors/acme' });
  });

  it('rejects a timestamp outside the tolerance, and a changed id or timestamp', async () => {
    const later = connectorContext(genericConnector, hmacConfig('acme-secret'), new Date(NOW.getTime() + 301_000), 'acme');
    const request = signedRequest(genericConnector, ctx, order, meta);
    await expect(async () => genericConnector.handle(request, later)).rejects.toThrow(/old/);
    const otherId = signedRequest(genericConnector, ctx, order, meta, { 'x-acme-id': 'msg_other' });
    await expect(async () => genericConnector.handle(otherId, ctx)).rejects.toThrow(/does not match/);
    const otherTs = signedRequest(genericConnector, ctx, order, meta, { 'x-acme-timestamp': String(NOW_S - 1) });
    await expect(async () => genericConnector.handle(otherTs, ctx)).rejects.toThrow(/does not match/);
    const noTs = signedRequest(genericConnector, ctx, order, meta, { 'x-acme-timestamp': undefined });
    await expect(async () => genericConnector.handle(noTs, ctx)).rejects.toThrow(/missing X-Acme-Timestamp/);
  });
});

describe('generic connector: published vectors through the configurable HMAC', () => {
  it("reproduces GitHub's documented example (sha256=, hex, raw body)", () => {
    // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const config = GenericConfigSchema.parse({
      type: 'generic',
      provider: 'gh',
      verify: { hmac: { header: 'X-Hub-Signature-256', prefix: 'sha256=', secret: "It's a Secret to Everybody" } },
    });
    const headers = { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' };
    const request = { method: 'POST', url: '/hooks/gh', headers, body: Buffer.from('Hello, World!') };
    expect(() => verifyGeneric(request, config.verify, NOW)).not.toThrow();
    expect(() => verifyGeneric({ ...request, body: Buffer.from('Hello, World?') }, config.verify, NOW)).toThrow(VerificationError);
  });

  it("reproduces go-pagerduty's webhookv3 vector with header X-PagerDuty-Signature and prefix v1=", async () => {
    // PagerDuty/go-pagerduty webhookv3/webhookv3_test.go: the same body, secret and "valid" signature.
    const body = Buffer.from(
      '{"event":{"id":"01BWDWL3NYY7LUFPZCC28QUCMK","event_type":"incident.priority_updated","resource_type":"incident","occurred_at":"2021-04-26T17:36:27.458Z","agent":{"html_url":"https://acme.pagerduty.com/users/PLH1HKV","id":"PLH1HKV","self":"https://api.pagerduty.com/users/PLH1HKV","summary":"Tenex Engineer","type":"user_reference"},"client":null,"data":{"id":"PGR0VU2","type":"incident","self":"https://api.pagerduty.com/incidents/PGR0VU2","html_url":"https://acme.pagerduty.com/incidents/PGR0VU2","number":2,"status":"triggered","title":"A little bump in the road","service":{"html_url":"https://acme.pagerduty.com/services/PF9KMXH","id":"PF9KMXH","self":"https://api.pagerduty.com/services/PF9KMXH","summary":"API Service","type":"service_reference"},"assignees":[{"html_url":"https://acme.pagerduty.com/users/PTUXL6G","id":"PTUXL6G","self":"https://api.pagerduty.com/users/PTUXL6G","summary":"User 123","type":"user_reference"}],"escalation_policy":{"html_url":"https://acme.pagerduty.com/escalation_policies/PUS0KTE","id":"PUS0KTE","self":"https://api.pagerduty.com/escalation_policies/PUS0KTE","summary":"Default","type":"escalation_policy_reference"},"teams":[{"html_url":"https://acme.pagerduty.com/teams/PFCVPS0","id":"PFCVPS0","self":"https://api.pagerduty.com/teams/PFCVPS0","summary":"Engineering","type":"team_reference"}],"priority":{"html_url":"https://acme.pagerduty.com/account/incident_priorities","id":"PSO75BM","self":"https://api.pagerduty.com/priorities/PSO75BM","summary":"P1","type":"priority_reference"},"urgency":"high","conference_bridge":{"conference_number":1000,"conference_url":"https://example.com"},"resolve_reason":null}}}',
    );
    const pd = connectorContext(
      genericConnector,
      {
        type: 'generic',
        provider: 'pd',
        verify: {
          hmac: {
            header: 'X-PagerDuty-Signature',
            prefix: 'v1=',
            secret: 'lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK',
          },
        },
        typeFrom: { path: 'event.event_type' },
        idFrom: { path: 'event.id' },
      },
      NOW,
      'pd',
    );
    const headers = { 'x-pagerduty-signature': 'v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd' };
    const { events } = await genericConnector.handle({ method: 'POST', url: '/hooks/pd', headers, body }, pd);
    expect(events[0]).toMatchObject({ id: 'pd:01BWDWL3NYY7LUFPZCC28QUCMK', type: 'pd.incident.priority_updated' });
  });
});

describe('generic connector: api key and basic auth', () => {
  const apiKey = connectorContext(
    genericConnector,
    { type: 'generic', provider: 'crm', verify: { apiKey: { header: 'Authorization', prefix: 'Bearer ', secret: ['k-new', 'k-old'] } } },
    NOW,
    'crm',
  );
  const basic = connectorContext(
    genericConnector,
    { type: 'generic', provider: 'erp', verify: { basic: { username: 'hook', password: ['p-new', 'p-old'] } }, idFrom: { path: 'id' } },
    NOW,
    'erp',
  );
  const request = (headers: Record<string, string>) => ({ method: 'POST', url: '/hooks/x', headers, body: order });

  it('accepts every listed key and rejects others or none', async () => {
    expect((await genericConnector.handle(request({ authorization: 'Bearer k-old' }), apiKey)).events).toHaveLength(1);
    expect((await genericConnector.handle(signedRequest(genericConnector, apiKey, order, meta), apiKey)).events).toHaveLength(1);
    await expect(async () => genericConnector.handle(request({ authorization: 'Bearer k-other' }), apiKey)).rejects.toThrow(
      VerificationError,
    );
    await expect(async () => genericConnector.handle(request({ authorization: 'k-new' }), apiKey)).rejects.toThrow(VerificationError);
    await expect(async () => genericConnector.handle(request({}), apiKey)).rejects.toThrow(/missing Authorization/);
  });

  it('accepts basic credentials with any listed password', async () => {
    const auth = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const { events } = await genericConnector.handle(request({ authorization: auth('hook', 'p-old') }), basic);
    expect(events[0]).toMatchObject({ id: 'erp:evt_01HQ3K9Z8Y7X6W5V4T3S2R1Q0P', type: 'erp.unknown' });
    expect((await genericConnector.handle(signedRequest(genericConnector, basic, order, meta), basic)).events).toHaveLength(1);
    await expect(async () => genericConnector.handle(request({ authorization: auth('other', 'p-new') }), basic)).rejects.toThrow(
      VerificationError,
    );
    await expect(async () => genericConnector.handle(request({ authorization: 'Bearer p-new' }), basic)).rejects.toThrow(/malformed/);
  });
});

describe('generic connector: type and id mapping', () => {
  it('derives a deterministic id from the body when none is configured', async () => {
    const plain = connectorContext(
      genericConnector,
      { type: 'generic', provider: 'x', verify: { apiKey: { header: 'X-Key', secret: 'k' } } },
      NOW,
      'x',
    );
    const request = { method: 'POST', url: '/hooks/x', headers: { 'x-key': 'k' }, body: order };
    const first = (await genericConnector.handle(request, plain)).events[0];
    const second = (await genericConnector.handle(request, plain)).events[0];
    expect(first?.id).toMatch(/^x:sha256-[0-9a-f]{64}$/);
    expect(second?.id).toBe(first?.id);
    expect(first?.type).toBe('x.unknown');
  });

  it('prefers the type header over the body path', async () => {
    const cfg = {
      type: 'generic',
      provider: 'x',
      verify: { apiKey: { header: 'X-Key', secret: 'k' } },
      typeFrom: { header: 'X-Event', path: 'type' },
    };
    const c = connectorContext(genericConnector, cfg, NOW, 'x');
    const withHeader = { method: 'POST', url: '/hooks/x', headers: { 'x-key': 'k', 'x-event': 'Order Shipped' }, body: order };
    expect((await genericConnector.handle(withHeader, c)).events[0]?.type).toBe('x.order.shipped');
    const withoutHeader = { ...withHeader, headers: { 'x-key': 'k' } };
    expect((await genericConnector.handle(withoutHeader, c)).events[0]?.type).toBe('x.order.created');
  });

  it('reads dotted paths into objects and arrays, and cleans event names', () => {
    expect(valueAtPath({ a: [{ b: 'x' }, { b: 7 }] }, 'a.1.b')).toBe('7');
    expect(valueAtPath({ a: { b: null } }, 'a.b')).toBeUndefined();
    expect(eventSegments('invoice:paid')).toBe('invoice.paid');
    expect(eventSegments('Order Created')).toBe('order.created');
    expect(eventSegments('a/b*c')).toBe('a.b_c');
    expect(eventSegments('...')).toBeUndefined();
  });

  it('answers 400 for an unusable id and for a verified non-JSON body', async () => {
    const cfg = { type: 'generic', provider: 'x', verify: { apiKey: { header: 'X-Key', secret: 'k' } }, idFrom: { header: 'X-Id' } };
    const c = connectorContext(genericConnector, cfg, NOW, 'x');
    const badId = { method: 'POST', url: '/hooks/x', headers: { 'x-key': 'k', 'x-id': 'has spaces / slashes' }, body: order };
    await expect(async () => genericConnector.handle(badId, c)).rejects.toThrow(PayloadError);
    const notJson = { method: 'POST', url: '/hooks/x', headers: { 'x-key': 'k' }, body: Buffer.from('a=1&b=2') };
    await expect(async () => genericConnector.handle(notJson, c)).rejects.toThrow(PayloadError);
  });
});

describe('generic connector: config validation', () => {
  const base = { type: 'generic', provider: 'acme' };
  const problems = (config: unknown) => {
    const result = GenericConfigSchema.safeParse(config);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('requires exactly one verification method', () => {
    expect(problems({ ...base, verify: {} }).join()).toMatch(/exactly one/);
    expect(
      problems({ ...base, verify: { apiKey: { header: 'X-Key', secret: 'k' }, basic: { username: 'u', password: 'p' } } }).join(),
    ).toMatch(/exactly one/);
  });

  it('checks the signed-content template against the headers it needs', () => {
    const hmac = (extra: Record<string, unknown>) => ({ ...base, verify: { hmac: { header: 'X-Sig', secret: 's', ...extra } } });
    expect(problems(hmac({ signedContent: '{timestamp}.{body}' })).join()).toMatch(/needs timestampHeader/);
    expect(problems(hmac({ signedContent: '{id}.{body}' })).join()).toMatch(/needs idHeader/);
    expect(problems(hmac({ signedContent: '{timestamp}', timestampHeader: 'X-T' })).join()).toMatch(/\{body\} exactly once/);
    expect(problems(hmac({ signedContent: '{nonce}.{body}' })).join()).toMatch(/unknown placeholder/);
    expect(problems(hmac({ algorithm: 'md5' })).length).toBeGreaterThan(0);
    expect(problems(hmac({ signedContent: '{timestamp}.{body}', timestampHeader: 'X-T' }))).toEqual([]);
    // A freshness check on a timestamp the signature does not cover would accept any replay with a new one.
    expect(problems(hmac({ timestampHeader: 'X-T' })).join()).toMatch(
      /timestampHeader is only checked when the signature covers it: add \{timestamp\} to signedContent/,
    );
  });

  it('rejects unknown keys, an empty secret and a bad provider name', () => {
    expect(problems({ ...base, verify: { apiKey: { header: 'X-Key', secret: 'k' } }, extra: 1 }).length).toBeGreaterThan(0);
    expect(problems({ ...base, verify: { apiKey: { header: 'X-Key', secret: '' } } }).join()).toMatch(/empty/);
    expect(problems({ ...base, provider: 'Acme Inc', verify: { apiKey: { header: 'X-Key', secret: 'k' } } }).join()).toMatch(/provider/);
  });
});

describe('generic connector: normalization of every fixture', () => {
  for (const [event, file] of Object.entries(genericConnector.samples)) {
    it(`normalizes ${file}`, async () => {
      const body = loadFixture('generic', file);
      const { events } = await genericConnector.handle(signedRequest(genericConnector, ctx, body, { id: 'm-1', event }), ctx);
      expect(events[0]).toMatchObject({ id: 'acme:m-1', type: `acme.${event}`, time: NOW.toISOString() });
      expect(events[0]?.data).toEqual(JSON.parse(body.toString()));
    });
  }
});

describe('generic connector: several signatures in one header', () => {
  it('accepts any prefixed entry and ignores the rest', () => {
    expect(signaturesIn('v1=abc v1=def', 'v1=')).toEqual(['abc', 'def']);
    expect(signaturesIn('V1=abc v0=zzz', 'v1=')).toEqual(['abc']);
    expect(signaturesIn('v1=', 'v1=')).toEqual([]);
    expect(signaturesIn('abc def', '')).toEqual(['abc', 'def']);
  });
});
