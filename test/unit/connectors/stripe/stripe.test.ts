import { describe, expect, it } from 'vitest';
import { stripeConnector } from '../../../../connectors/stripe/index.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';

const now = new Date('2024-05-14T12:00:00Z');
const config = { type: 'stripe', secret: 'whsec_current' };
const ctx = connectorContext(stripeConnector, config, now);
const body = loadFixture('stripe', 'payment_intent.succeeded.json');
const meta = { id: 'evt_3PGkZ2LkdIwHu7ix0mE2n6qR', event: 'payment_intent.succeeded' };

/** Signed at `now + offsetSec` (the sender's clock), to be handled at `now`. */
function signedAt(offsetSec: number, payload = body, overrides: Record<string, string | undefined> = {}) {
  const signer = connectorContext(stripeConnector, config, new Date(now.getTime() + offsetSec * 1000));
  return signedRequest(stripeConnector, signer, payload, meta, overrides);
}

describe('stripe connector: verification', () => {
  it('accepts a signed event and normalizes it', async () => {
    const { events } = await stripeConnector.handle(signedAt(0), ctx);
    expect(events).toEqual([
      expect.objectContaining({
        id: 'evt_3PGkZ2LkdIwHu7ix0mE2n6qR',
        type: 'stripe.payment_intent.succeeded',
        source: '/connectors/test',
        subject: 'pi_3PGkZ2LkdIwHu7ix0x8bHXyF',
        title: 'payment_intent.succeeded pi_3PGkZ2LkdIwHu7ix0x8bHXyF (20.00 USD)',
        url: 'https://dashboard.stripe.com/test/payments/pi_3PGkZ2LkdIwHu7ix0x8bHXyF',
        time: '2024-05-14T12:00:03.000Z',
        data: JSON.parse(body.toString('utf8')) as unknown,
      }),
    ]);
    expect(events[0]).not.toHaveProperty('actor');
  });

  it('verifies the published stripe-dotnet vector (EventUtilityTest, event_test_signature.json)', async () => {
    // https://github.com/stripe/stripe-dotnet/blob/master/src/StripeTests/Services/Events/EventUtilityTest.cs
    // with src/StripeTests/Resources/event_test_signature.json (LF line endings, trailing newline),
    // secret "webhook_secret", t=1533204620; accepted there with the clock at t + 100 s and tolerance 300.
    const payload = `{
  "id": "evt_123",
  "object": "event",
  "account": "acct_123",
  "api_version": "2017-05-25",
  "created": 1533204620,
  "data": {
    "object": {
      "id": "cus_123",
      "object": "customer",
      "created": 123456789,
      "email": "test@stripe.com",
      "livemode": false,
      "metadata": {}
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_123",
    "idempotency_key": "idempotency-key-123"
  },
  "type": "customer.created"
}
`;
    const header =
      't=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,' +
      'v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef';
    const at = (sec: number) =>
      connectorContext(stripeConnector, { type: 'stripe', secret: 'webhook_secret', tolerance: 300 }, new Date(sec * 1000));
    const request = { method: 'POST', url: '/hooks/test', headers: { 'stripe-signature': header }, body: Buffer.from(payload) };
    const { events } = await stripeConnector.handle(request, at(1533204620 + 100));
    expect(events[0]).toMatchObject({ id: 'evt_123', type: 'stripe.customer.created', subject: 'cus_123' });
    // A Connect event (it names another account): no dashboard link, since it would open the wrong account.
    expect(events[0]).not.toHaveProperty('url');
    // The same vector's "RejectOutdatedTimestamp": the clock at t + tolerance + 100 s.
    await expect(async () => stripeConnector.handle(request, at(1533204620 + 400))).rejects.toThrow(/400 s old/);
    // And "RejectIncorrectSignature": the body changed.
    const changed = { ...request, body: Buffer.from(payload + 'this_changes_the_json') };
    await expect(async () => stripeConnector.handle(changed, at(1533204620 + 100))).rejects.toThrow(VerificationError);
  });

  it('rejects a tampered body, a re-serialized body and a wrong secret', async () => {
    const request = signedAt(0);
    const tampered = { ...request, body: Buffer.from(body.toString('utf8').replace('2000', '2')) };
    const compact = { ...request, body: Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8')))) };
    const wrong = connectorContext(stripeConnector, { type: 'stripe', secret: 'whsec_other' }, now);
    for (const [req, c] of [
      [tampered, ctx],
      [compact, ctx],
      [request, wrong],
    ] as const) {
      await expect(async () => stripeConnector.handle(req, c)).rejects.toThrow(/no Stripe-Signature v1 signature matches/);
    }
  });

  it('accepts any v1 against any configured secret (rotation on both sides)', async () => {
    const rotating = connectorContext(stripeConnector, { type: 'stripe', secret: ['whsec_next', 'whsec_current'] }, now);
    expect((await stripeConnector.handle(signedAt(0), rotating)).events).toHaveLength(1);
    // During a roll Stripe sends one v1 per active secret; an unknown one next to a good one is fine.
    const header = signedAt(0).headers['stripe-signature']!;
    const [t, v1] = header.split(',');
    const twoSignatures = signedAt(0, body, { 'stripe-signature': `${t},v1=${'0'.repeat(64)},${v1},v0=abc` });
    expect((await stripeConnector.handle(twoSignatures, ctx)).events).toHaveLength(1);
  });

  it('rejects stale and far-future timestamps, within a configurable tolerance', async () => {
    expect((await stripeConnector.handle(signedAt(-300), ctx)).events).toHaveLength(1);
    expect((await stripeConnector.handle(signedAt(299), ctx)).events).toHaveLength(1);
    await expect(async () => stripeConnector.handle(signedAt(-301), ctx)).rejects.toThrow(/301 s old \(tolerance 300 s\)/);
    await expect(async () => stripeConnector.handle(signedAt(3600), ctx)).rejects.toThrow(/3600 s in the future/);
    const lenient = connectorContext(stripeConnector, { ...config, tolerance: 900 }, now);
    expect((await stripeConnector.handle(signedAt(-600), lenient)).events).toHaveLength(1);
  });

  it('rejects a missing or malformed Stripe-Signature header', async () => {
    await expect(async () => stripeConnector.handle(signedAt(0, body, { 'stripe-signature': undefined }), ctx)).rejects.toThrow(
      'missing Stripe-Signature header',
    );
    const malformed = ['garbage', 't=abc,v1=00', 'v1=' + 'a'.repeat(64), 't=1715688000', 't=1715688000,v0=aa', 't=1,t=2,v1=aa', ',,'];
    for (const value of malformed) {
      const request = signedAt(0, body, { 'stripe-signature': value });
      await expect(async () => stripeConnector.handle(request, ctx)).rejects.toThrow(/malformed Stripe-Signature header/);
    }
  });

  it('answers 400 for authentic bodies it cannot use, only after verification', async () => {
    const cases: [string, RegExp][] = [
      ['', /body is empty/],
      ['{"id": "evt_1", "type": "charge.succ', /truncated/],
      ['<xml/>', /not JSON/],
      ['{"object": "balance"}', /Stripe event has no `id`/],
      ['{"id": "evt_1", "type": "Bad Type"}', /malformed Stripe event type/],
    ];
    for (const [text, message] of cases) {
      const run = async () => stripeConnector.handle(signedAt(0, Buffer.from(text)), ctx);
      await expect(run).rejects.toThrow(PayloadError);
      await expect(run).rejects.toThrow(message);
      const unsigned = signedAt(0, Buffer.from(text), { 'stripe-signature': `t=${now.getTime() / 1000},v1=${'a'.repeat(64)}` });
      await expect(async () => stripeConnector.handle(unsigned, ctx)).rejects.toThrow(VerificationError);
    }
  });

  it.each([
    ['seconds', 1715688003, '2024-05-14T12:00:03.000Z'],
    ['an RFC 3339 string (v2 thin events)', '2024-09-11T18:38:06.468Z', '2024-09-11T18:38:06.468Z'],
    ['a string that is no time', 'yesterday', now.toISOString()],
    ['seconds as a string', '1715688003', now.toISOString()],
    ['seconds out of range', 1e308, now.toISOString()],
  ])('keeps time RFC 3339 for a created of %s', async (_name, created, time) => {
    const payload = Buffer.from(JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', created }));
    const { events } = await stripeConnector.handle(signedAt(0, payload), ctx);
    expect(events[0]?.time).toBe(time);
  });
});
