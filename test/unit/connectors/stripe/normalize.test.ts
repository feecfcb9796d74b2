import { describe, expect, it } from 'vitest';
import { formatStripeAmount } from '../../../../connectors/stripe/amount.ts';
import { stripeConnector } from '../../../../connectors/stripe/index.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';

const now = new Date('2024-06-14T16:00:00Z');
const ctx = connectorContext(stripeConnector, { type: 'stripe', secret: 'whsec_x' }, now);

describe('stripe normalization', () => {
  it('normalizes every bundled sample', async () => {
    const expected: Record<string, object> = {
      'payment_intent.succeeded': { subject: 'pi_3PGkZ2LkdIwHu7ix0x8bHXyF' },
      'payment_intent.payment_failed': {
        title: 'payment_intent.payment_failed pi_3PGlA9LkdIwHu7ix1Y7cK2bN (49.99 USD): Your card has insufficient funds.',
      },
      'charge.refunded': {
        title: 'charge.refunded ch_3PGkZ2LkdIwHu7ix0fV1a2Cx (5.00 USD)',
        url: 'https://dashboard.stripe.com/test/payments/ch_3PGkZ2LkdIwHu7ix0fV1a2Cx',
      },
      'customer.subscription.created': {
        title: 'customer.subscription.created sub_1PGmQ4LkdIwHu7ixW8tY2vHn (active)',
        url: 'https://dashboard.stripe.com/test/subscriptions/sub_1PGmQ4LkdIwHu7ixW8tY2vHn',
      },
      'invoice.payment_failed': {
        subject: 'in_1PJ0m2LkdIwHu7ixKc7Yz4Qp',
        title: 'invoice.payment_failed in_1PJ0m2LkdIwHu7ixKc7Yz4Qp (45.00 USD)',
        url: 'https://dashboard.stripe.com/test/invoices/in_1PJ0m2LkdIwHu7ixKc7Yz4Qp',
      },
    };
    expect(Object.keys(stripeConnector.samples).sort()).toEqual(Object.keys(expected).sort());
    for (const [event, file] of Object.entries(stripeConnector.samples)) {
      const body = loadFixture('stripe', file);
      const payload = JSON.parse(body.toString('utf8')) as { id: string; created: number };
      const request = signedRequest(stripeConnector, ctx, body, { id: payload.id, event });
      const { events } = await stripeConnector.handle(request, ctx);
      expect(events[0]).toMatchObject({
        id: payload.id,
        type: `stripe.${event}`,
        time: new Date(payload.created * 1000).toISOString(),
        ...expected[event],
      });
    }
  });

  it('links live-mode objects without /test and formats currencies by their decimals', async () => {
    const live = {
      id: 'evt_live',
      object: 'event',
      type: 'customer.created',
      livemode: true,
      created: 1718380800,
      data: { object: { id: 'cus_1', object: 'customer', description: 'Jenny Rosen' } },
    };
    const request = signedRequest(stripeConnector, ctx, Buffer.from(JSON.stringify(live)), { id: 'x', event: 'x' });
    const { events } = await stripeConnector.handle(request, ctx);
    expect(events[0]).toMatchObject({ url: 'https://dashboard.stripe.com/customers/cus_1', title: 'customer.created cus_1 (Jenny Rosen)' });
    expect(formatStripeAmount(2000, 'usd')).toBe('20.00 USD');
    expect(formatStripeAmount(500, 'JPY')).toBe('500 JPY');
    expect(formatStripeAmount(1234, 'kwd')).toBe('1.234 KWD');
  });

  it('takes the subject of a thin (v2) event from related_object', async () => {
    const thin = {
      id: 'evt_test_65R',
      object: 'v2.core.event',
      type: 'v1.billing.meter.error_report_triggered',
      created: '2024-06-14T15:59:58.000Z',
      related_object: { id: 'mtr_123', type: 'billing.meter' },
    };
    const request = signedRequest(stripeConnector, ctx, Buffer.from(JSON.stringify(thin)), { id: 'x', event: 'x' });
    const { events } = await stripeConnector.handle(request, ctx);
    expect(events[0]).toMatchObject({
      type: 'stripe.v1.billing.meter.error_report_triggered',
      subject: 'mtr_123',
      time: '2024-06-14T15:59:58.000Z',
    });
  });

  it('catches an API key pasted as the signing secret', () => {
    const result = stripeConnector.configSchema.safeParse({ type: 'stripe', secret: 'sk_test_51Mk' });
    expect(result.error?.message).toContain('not a webhook signing secret');
    expect(stripeConnector.configSchema.safeParse({ type: 'stripe', secret: 'whsec_x', tolerence: 5 }).success).toBe(false);
    expect(stripeConnector.configSchema.parse({ type: 'stripe', secret: 'whsec_x' })).toEqual({
      type: 'stripe',
      secret: ['whsec_x'],
      tolerance: 300,
    });
  });
});
