import { describe, expect, it } from 'vitest';
import { standardWebhooksConnector as connector } from '../../../../connectors/standard-webhooks/index.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';

// The published vectors of the Standard Webhooks reference libraries:
// https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
// (the same values in libraries/go/webhook_test.go, TestWebhookSign).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  otherSignature: 'Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
};

const now = new Date('2024-05-14T12:00:00Z');
const config = { type: 'standard-webhooks', secret: VECTOR.secret, provider: 'Clerk' };
const ctx = connectorContext(connector, config, now, 'auth');
const body = loadFixture('standard-webhooks', 'user.created.json');
const meta = { id: 'msg_2gPz4pQ7Lx3Vb9Nw1RtY5cHsK', event: 'user.created' };
const nowSec = now.getTime() / 1000;

function signedAt(offsetSec: number, payload = body, changes: Record<string, string | undefined> = {}) {
  const signer = connectorContext(connector, config, new Date((nowSec + offsetSec) * 1000), 'auth');
  return signedRequest(connector, signer, payload, meta, changes);
}

describe('standard-webhooks connector: published vectors', () => {
  const vectorRequest = (signature: string, headerPrefix = 'webhook') => ({
    method: 'POST',
    url: '/hooks/auth',
    headers: {
      [`${headerPrefix}-id`]: VECTOR.id,
      [`${headerPrefix}-timestamp`]: String(VECTOR.timestamp),
      [`${headerPrefix}-signature`]: signature,
    },
    body: Buffer.from(VECTOR.payload),
  });
  const at = (secret: string) => connectorContext(connector, { type: 'standard-webhooks', secret }, new Date(VECTOR.timestamp * 1000));

  it('signs the vector exactly ("sign function works")', () => {
    const headers = connector.sign(Buffer.from(VECTOR.payload), at(VECTOR.secret), { id: VECTOR.id, event: 'x' });
    expect(headers['webhook-signature']).toBe(VECTOR.signature);
  });

  it('verifies it, with or without the whsec_ prefix and under svix-* names; the payload then lacks `type`', async () => {
    for (const secret of [VECTOR.secret, VECTOR.secret.slice('whsec_'.length)]) {
      for (const prefix of ['webhook', 'svix']) {
        const run = async () => connector.handle(vectorRequest(VECTOR.signature, prefix), at(secret));
        // Verification passed: the only complaint is about the (signed) payload.
        await expect(run).rejects.toThrow(
          new PayloadError('payload has no `type` (Standard Webhooks payloads are { type, timestamp, data })'),
        );
      }
    }
  });

  it('finds the valid signature in a multi-signature header, skipping other versions ("multi sig payload is valid")', async () => {
    const sigs = [`v1,${VECTOR.otherSignature}`, `v2,${VECTOR.otherSignature}`, VECTOR.signature, `v1,${VECTOR.otherSignature}`];
    await expect(async () => connector.handle(vectorRequest(sigs.join(' ')), at(VECTOR.secret))).rejects.toThrow(PayloadError);
  });

  it('rejects invalid and partial signatures ("invalid/partial signature throws error")', async () => {
    for (const bad of ['v1,dawfeoifkpqwoekfpqoekf', VECTOR.signature.slice(0, 8), 'v1,', `v1a,${VECTOR.otherSignature}`]) {
      await expect(async () => connector.handle(vectorRequest(bad), at(VECTOR.secret))).rejects.toThrow(VerificationError);
    }
  });
});

describe('standard-webhooks connector: verification', () => {
  it('accepts a signed payload and names the type after the provider', async () => {
    const { events } = await connector.handle(signedAt(0), ctx);
    expect(events).toEqual([
      expect.objectContaining({
        id: meta.id,
        type: 'clerk.user.created',
        source: '/connectors/auth',
        subject: 'user_2gPz4k8LmQx1Vb7Nw3RtY5cHs',
        time: '2024-05-14T11:59:58.412Z',
        data: JSON.parse(body.toString('utf8')) as unknown,
      }),
    ]);
  });

  it('rejects a tampered body, a re-serialized body and a wrong secret', async () => {
    const request = signedAt(0);
    const tampered = { ...request, body: Buffer.from(body.toString('utf8').replace('Jenny', 'Jerry')) };
    const compact = { ...request, body: Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')))) };
    const wrong = connectorContext(connector, { ...config, secret: 'whsec_' + Buffer.alloc(24, 7).toString('base64') }, now);
    for (const [req, c] of [
      [tampered, ctx],
      [compact, ctx],
      [request, wrong],
    ] as const) {
      await expect(async () => connector.handle(req, c)).rejects.toThrow(/no webhook-signature v1 signature matches/);
    }
  });

  it('accepts the old secret while a rotation lists both', async () => {
    const next = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
    const rotating = connectorContext(connector, { ...config, secret: [next, VECTOR.secret] }, now);
    expect((await connector.handle(signedAt(0), rotating)).events).toHaveLength(1);
  });

  it('rejects stale and far-future timestamps (tolerance configurable)', async () => {
    expect((await connector.handle(signedAt(-300), ctx)).events).toHaveLength(1);
    expect((await connector.handle(signedAt(300), ctx)).events).toHaveLength(1);
    await expect(async () => connector.handle(signedAt(-301), ctx)).rejects.toThrow(/301 s old/);
    await expect(async () => connector.handle(signedAt(301), ctx)).rejects.toThrow(/301 s in the future/);
    const wide = connectorContext(connector, { ...config, tolerance: 600 }, now);
    expect((await connector.handle(signedAt(-500), wide)).events).toHaveLength(1);
  });

  it('rejects missing and malformed headers', async () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      await expect(async () => connector.handle(signedAt(0, body, { [name]: undefined }), ctx)).rejects.toThrow(`missing ${name} header`);
    }
    const cases: [string, string, RegExp][] = [
      ['webhook-timestamp', 'hello', /malformed webhook-timestamp header/],
      ['webhook-signature', 'garbage', /malformed webhook-signature header/],
      ['webhook-signature', `v1a,${VECTOR.otherSignature}`, /no v1 signature/],
    ];
    for (const [name, value, message] of cases) {
      await expect(async () => connector.handle(signedAt(0, body, { [name]: value }), ctx)).rejects.toThrow(message);
    }
  });

  it('answers 400 for authentic bodies it cannot use', async () => {
    const cases: [string, RegExp][] = [
      ['', /body is empty/],
      ['{"type": "user.cre', /truncated/],
      ['type=user.created', /not JSON/],
      ['{"type": "user created"}', /malformed payload type/],
    ];
    for (const [text, message] of cases) {
      const run = async () => connector.handle(signedAt(0, Buffer.from(text)), ctx);
      await expect(run).rejects.toThrow(PayloadError);
      await expect(run).rejects.toThrow(message);
    }
    const badId = signedRequest(connector, ctx, body, { id: 'has spaces in it', event: 'x' });
    await expect(async () => connector.handle(badId, ctx)).rejects.toThrow(/malformed webhook-id header/);
  });
});

describe('standard-webhooks connector: samples and config', () => {
  it('normalizes the bundled samples', async () => {
    const resend = connectorContext(connector, { ...config, provider: 'resend' }, now, 'resend');
    const request = signedRequest(connector, resend, loadFixture('standard-webhooks', 'email.delivered.json'), meta);
    const { events } = await connector.handle(request, resend);
    expect(events[0]).toMatchObject({
      type: 'resend.email.delivered',
      subject: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c',
      title: 'Your receipt for order #1042',
      time: '2024-05-14T12:00:01.318Z',
    });
    expect(Object.keys(connector.samples)).toEqual(['user.created', 'email.delivered']);
  });

  it('validates secrets and provider, defaulting provider to webhook', () => {
    const schema = connector.configSchema;
    expect(schema.parse({ type: 'standard-webhooks', secret: VECTOR.secret })).toMatchObject({ provider: 'webhook', tolerance: 300 });
    expect(schema.safeParse({ type: 'standard-webhooks', secret: 'whsec_not base64!' }).error?.message).toContain('whsec_<base64>');
    expect(schema.safeParse({ type: 'standard-webhooks', secret: 'whsec_A' }).success).toBe(false);
    expect(schema.safeParse({ type: 'standard-webhooks', secret: VECTOR.secret, provider: 'a.b' }).success).toBe(false);
    expect(schema.safeParse({ type: 'standard-webhooks', secret: VECTOR.secret, prefix: 'x' }).success).toBe(false);
  });
});
