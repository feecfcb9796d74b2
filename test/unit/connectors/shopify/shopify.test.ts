import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shopifyConnector } from '../../../../connectors/shopify/index.ts';
import { shopifyEventType } from '../../../../connectors/shopify/normalize.ts';
import { PayloadError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../../helpers/signed-connector-cases.ts';

const NOW = new Date('2024-05-14T12:00:00Z');
const config = (secret: string | string[]) => ({ type: 'shopify', secret });
const ctx = connectorContext(shopifyConnector, config('shpss_secret'), NOW, 'shop');
const rotated = connectorContext(shopifyConnector, config(['shpss_new', 'shpss_secret']), NOW, 'shop');
const wrong = connectorContext(shopifyConnector, config('nope'), NOW, 'shop');
const order = loadFixture('shopify', 'orders-create.json');
const meta = { id: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043', event: 'orders/create' };

describe('shopify connector: verification', () => {
  itVerifiesSignedBodies({
    connector: shopifyConnector,
    ctx,
    rotated,
    wrong,
    body: order,
    meta,
    signatureHeaders: ['x-shopify-hmac-sha256'],
    tampered: Buffer.from(order.toString().replace('"403.00"', '"4.03"')),
  });

  it('expects base64, not hex: a hex digest of the right HMAC is refused', async () => {
    const hex = createHmac('sha256', 'shpss_secret').update(order).digest('hex');
    const request = signedRequest(shopifyConnector, ctx, order, meta, { 'x-shopify-hmac-sha256': hex });
    await expect(async () => shopifyConnector.handle(request, ctx)).rejects.toThrow(/expected a base64 HMAC-SHA256/);
  });

  it('signs as Shopify documents it: base64 HMAC-SHA256 of the raw body under the app secret', () => {
    // https://shopify.dev/docs/apps/build/webhooks/subscribe/https (Node example: createHmac('sha256', secret).update(rawBody).digest('base64'))
    const expected = createHmac('sha256', 'shpss_secret').update(order).digest('base64');
    expect(shopifyConnector.sign(order, ctx, meta)['x-shopify-hmac-sha256']).toBe(expected);
  });

  it('requires X-Shopify-Topic and refuses a malformed one after verification', async () => {
    const noTopic = signedRequest(shopifyConnector, ctx, order, meta, { 'x-shopify-topic': undefined });
    await expect(async () => shopifyConnector.handle(noTopic, ctx)).rejects.toThrow(/missing X-Shopify-Topic/);
    const bad = signedRequest(shopifyConnector, ctx, order, meta, { 'x-shopify-topic': 'orders create' });
    await expect(async () => shopifyConnector.handle(bad, ctx)).rejects.toThrow(PayloadError);
  });

  it('uses X-Shopify-Webhook-Id as the id, else a digest of the body', async () => {
    const withId = await shopifyConnector.handle(signedRequest(shopifyConnector, ctx, order, meta), ctx);
    expect(withId.events[0]?.id).toBe(meta.id);
    const request = signedRequest(shopifyConnector, ctx, order, meta, { 'x-shopify-webhook-id': undefined });
    expect((await shopifyConnector.handle(request, ctx)).events[0]?.id).toMatch(/^shop:sha256-[0-9a-f]{64}$/);
  });

  it('maps topics to types', () => {
    expect(shopifyEventType('orders/create')).toBe('shopify.orders.create');
    expect(shopifyEventType('app_subscriptions/update')).toBe('shopify.app_subscriptions.update');
    expect(shopifyEventType('customers/data_request')).toBe('shopify.customers.data_request');
    expect(() => shopifyEventType('orders')).toThrow(PayloadError);
  });
});

describe('shopify connector: normalization of every fixture', () => {
  const shop = 'hookhub-test.myshopify.com';
  const expected: Record<string, Record<string, unknown>> = {
    'orders/create': {
      type: 'shopify.orders.create',
      subject: 'gid://shopify/Order/820982911946154508',
      title: 'orders/create: #9999 403.00 USD',
      url: `https://${shop}/admin/orders/820982911946154508`,
      actor: 'jon@example.com',
    },
    'products/update': {
      type: 'shopify.products.update',
      subject: 'gid://shopify/Product/788032119674292922',
      title: 'products/update: Example T-Shirt',
      url: `https://${shop}/admin/products/788032119674292922`,
    },
    'app/uninstalled': {
      type: 'shopify.app.uninstalled',
      subject: shop,
      title: 'app/uninstalled: Super Toys',
      actor: 'super@supertoys.com',
    },
  };

  it('covers every sample', () => {
    expect(Object.keys(shopifyConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [topic, attributes] of Object.entries(expected)) {
    it(`normalizes ${topic}`, async () => {
      const body = loadFixture('shopify', shopifyConnector.samples[topic] ?? '');
      const request = signedRequest(shopifyConnector, ctx, body, { ...meta, event: topic });
      const { events } = await shopifyConnector.handle(request, ctx);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        ...attributes,
        id: meta.id,
        time: NOW.toISOString(),
        data: JSON.parse(body.toString()) as unknown,
      });
    });
  }
});
