import { describe, expect, it } from 'vitest';
import { razorpayConnector } from '../../../../connectors/razorpay/index.ts';
import { verifyRazorpaySignature } from '../../../../connectors/razorpay/verify.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../../helpers/signed-connector-cases.ts';

const NOW = new Date('2024-05-14T12:00:00Z');
const config = (secret: string | string[]) => ({ type: 'razorpay', secret });
const ctx = connectorContext(razorpayConnector, config('rzp-secret'), NOW, 'razorpay');
const rotated = connectorContext(razorpayConnector, config(['rzp-new', 'rzp-secret']), NOW, 'razorpay');
const wrong = connectorContext(razorpayConnector, config('nope'), NOW, 'razorpay');
const captured = loadFixture('razorpay', 'payment.captured.json');
const meta = { id: 'HJ5pX6NgnPq8Hj', event: 'payment.captured' };

describe('razorpay connector: verification', () => {
  itVerifiesSignedBodies({
    connector: razorpayConnector,
    ctx,
    rotated,
    wrong,
    body: captured,
    meta,
    signatureHeaders: ['x-razorpay-signature'],
    tampered: Buffer.from(captured.toString().replace('"amount": 100,', '"amount": 1,')),
  });

  it('matches the published vector of the official SDK', () => {
    // razorpay/razorpay-node test/utils/razorpay-utils.spec.js, "validateWebhookSignature":
    // body '{"a":1,"b":2,"c":{"d":3}}', secret "123456".
    const body = Buffer.from('{"a":1,"b":2,"c":{"d":3}}');
    const signature = '2fe04e22977002e6c7cb553adab8b460cb9e2a4970d5953cb27a8472752e3bbc';
    const docs = connectorContext(razorpayConnector, config('123456'), NOW);
    expect(razorpayConnector.sign(body, docs, meta)['x-razorpay-signature']).toBe(signature);
    const request = { method: 'POST', url: '/hooks/test', headers: { 'x-razorpay-signature': signature }, body };
    expect(() => verifyRazorpaySignature(request, ['123456'])).not.toThrow();
    expect(() => verifyRazorpaySignature({ ...request, headers: { 'x-razorpay-signature': 'sdfafds' } }, ['123456'])).toThrow(
      /malformed X-Razorpay-Signature/,
    );
    // Hex from some clients is upper-case; the digest is the same.
    const upper = { ...request, headers: { 'x-razorpay-signature': signature.toUpperCase() } };
    expect(() => verifyRazorpaySignature(upper, ['123456'])).not.toThrow();
  });

  it('says how to fix a missing signature', async () => {
    const request = signedRequest(razorpayConnector, ctx, captured, meta, { 'x-razorpay-signature': undefined });
    await expect(async () => razorpayConnector.handle(request, ctx)).rejects.toThrow(/set a secret on the Razorpay webhook/);
  });

  it('uses X-Razorpay-Event-Id as the id, else a digest of the body', async () => {
    const withId = await razorpayConnector.handle(signedRequest(razorpayConnector, ctx, captured, meta), ctx);
    expect(withId.events[0]?.id).toBe(meta.id);
    const request = signedRequest(razorpayConnector, ctx, captured, meta, { 'x-razorpay-event-id': undefined });
    const first = await razorpayConnector.handle(request, ctx);
    expect(first.events[0]?.id).toMatch(/^razorpay:sha256-[0-9a-f]{64}$/);
    expect((await razorpayConnector.handle(request, ctx)).events[0]?.id).toBe(first.events[0]?.id);
    const bad = signedRequest(razorpayConnector, ctx, captured, meta, { 'x-razorpay-event-id': 'a b' });
    await expect(async () => razorpayConnector.handle(bad, ctx)).rejects.toThrow(PayloadError);
  });

  it('answers 400 for a signed body without a usable event name', async () => {
    for (const body of ['{"payload":{}}', '{"event":"Payment Captured"}']) {
      const request = signedRequest(razorpayConnector, ctx, Buffer.from(body), meta);
      await expect(async () => razorpayConnector.handle(request, ctx)).rejects.toThrow(PayloadError);
    }
  });

  it('never accepts an unsigned request, whatever the body', async () => {
    const request = { method: 'POST', url: '/hooks/razorpay', headers: {}, body: captured };
    await expect(async () => razorpayConnector.handle(request, ctx)).rejects.toThrow(VerificationError);
  });
});

describe('razorpay connector: normalization of every fixture', () => {
  const expected: Record<string, Record<string, unknown>> = {
    'payment.captured.json': {
      type: 'razorpay.payment.captured',
      subject: 'pay_DESlfW9H8K9uqM',
      title: 'payment pay_DESlfW9H8K9uqM captured: 1.00 INR',
      actor: 'gaurav.kumar@example.com',
      time: '2019-09-05T09:10:06.000Z',
    },
    'order.paid.json': {
      type: 'razorpay.order.paid',
      subject: 'order_DESlLckIVRkHWj',
      title: 'order order_DESlLckIVRkHWj paid: 1.00 INR',
      time: '2019-09-05T09:10:06.000Z',
    },
    'refund.created.json': {
      type: 'razorpay.refund.created',
      subject: 'rfnd_FP8DDKxqJif6ca',
      title: 'refund rfnd_FP8DDKxqJif6ca created: 5001.00 INR',
      time: '2020-08-10T16:48:44.000Z',
    },
  };

  it('covers every sample', () => {
    expect(Object.values(razorpayConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [file, attributes] of Object.entries(expected)) {
    it(`normalizes ${file}`, async () => {
      const body = loadFixture('razorpay', file);
      const { events, reply } = await razorpayConnector.handle(signedRequest(razorpayConnector, ctx, body, meta), ctx);
      expect(reply).toBeUndefined();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        ...attributes,
        id: meta.id,
        source: '/connectors/razorpay',
        connector: 'razorpay',
        data: JSON.parse(body.toString()) as unknown,
      });
    });
  }
});
