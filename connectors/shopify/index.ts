import type { Connector } from '../connector.ts';
import { bodyDigestId } from '../shared/body-digest-id.ts';
import { checkEventId } from '../shared/event-id.ts';
import { getHeader, requireHeader } from '../shared/headers.ts';
import { parseJsonObjectText } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { ShopifyConfigSchema, type ShopifyConfig } from './config.ts';
import { normalizeShopify } from './normalize.ts';
import { signShopify, verifyShopifySignature } from './verify.ts';

const ID_HEADER = 'X-Shopify-Webhook-Id';
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$/;

/**
 * Shopify webhooks over HTTPS. Verifies `X-Shopify-Hmac-Sha256`; id = `X-Shopify-Webhook-Id` (kept
 * on retries); type = `shopify.<X-Shopify-Topic with / -> .>`, e.g. `shopify.orders.create`.
 */
export const shopifyConnector: Connector<ShopifyConfig> = {
  type: 'shopify',
  configSchema: ShopifyConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['secret'],
  samples: {
    'orders/create': 'orders-create.json',
    'products/update': 'products-update.json',
    'app/uninstalled': 'app-uninstalled.json',
  },

  handle(request, ctx) {
    const topic = requireHeader(request.headers, 'X-Shopify-Topic');
    const bodyDigest = verifyShopifySignature(request, ctx.config.secret);
    const { value: payload, text } = parseJsonObjectText(request.body);
    const header = getHeader(request.headers, ID_HEADER);
    const id = header !== undefined ? checkEventId(header, `${ID_HEADER} header`) : bodyDigestId(ctx.name, request.body);
    const shop = getHeader(request.headers, 'X-Shopify-Shop-Domain')?.toLowerCase();
    const summary = normalizeShopify(topic, shop !== undefined && SHOP_DOMAIN.test(shop) ? shop : undefined, payload);
    const event = createHubEvent({ id, connector: ctx.name, data: payload, time: triggeredAt(request.headers), ...summary }, ctx.now());
    return { events: [event], dataText: [text], bodyDigest };
  },

  sign(body, ctx, meta) {
    return {
      'content-type': 'application/json',
      'x-shopify-topic': meta.event,
      'x-shopify-hmac-sha256': signShopify(body, signingSecret(ctx.config.secret)),
      'x-shopify-shop-domain': 'hookhub-test.myshopify.com',
      'x-shopify-api-version': '2025-07',
      'x-shopify-webhook-id': meta.id,
      'x-shopify-event-id': meta.id,
      'x-shopify-triggered-at': ctx.now().toISOString(),
    };
  },
  // The signature covers the body only, not the delivery id.
  signsOnlyBody: () => true,
};

/** `X-Shopify-Triggered-At` (when the event happened), if it is a valid date. */
function triggeredAt(headers: Parameters<typeof getHeader>[0]): Date | undefined {
  const value = getHeader(headers, 'X-Shopify-Triggered-At');
  const date = value !== undefined ? new Date(value) : undefined;
  return date !== undefined && Number.isFinite(date.getTime()) ? date : undefined;
}
