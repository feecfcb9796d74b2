import { pickString } from '../shared/pick.ts';
import { PayloadError } from '../../src/errors.ts';

const TOPIC = /^[a-z0-9_]+(\/[a-z0-9_]+)+$/;

/** Topics whose first segment is also the admin URL path of the resource. */
const ADMIN_PATHS = new Set(['orders', 'draft_orders', 'products', 'customers', 'collections']);

export interface ShopifySummary {
  type: string;
  subject: string | undefined;
  title: string;
  url: string | undefined;
  actor: string | undefined;
}

/** `orders/create` -> `shopify.orders.create`; anything else than Shopify's topic shape is refused. */
export function shopifyEventType(topic: string): string {
  if (!TOPIC.test(topic)) throw new PayloadError('malformed X-Shopify-Topic header (expected e.g. orders/create)');
  return `shopify.${topic.replace(/\//g, '.')}`;
}

/**
 * Maps a verified Shopify payload (the resource itself, REST-shaped) to the CloudEvents attributes.
 * https://shopify.dev/docs/api/webhooks
 */
export function normalizeShopify(topic: string, shop: string | undefined, p: Record<string, unknown>): ShopifySummary {
  const label = pickString(p, 'name') ?? pickString(p, 'title') ?? pickString(p, 'handle');
  const price = pickString(p, 'total_price');
  const currency = pickString(p, 'currency');
  const amount = price && currency ? ` ${price} ${currency}` : '';
  return {
    type: shopifyEventType(topic),
    subject: pickString(p, 'admin_graphql_api_id') ?? shop,
    title: label ? `${topic}: ${label}${amount}` : topic,
    url: adminUrl(topic, shop, pickString(p, 'admin_graphql_api_id')),
    actor: pickString(p, 'email') ?? pickString(p, 'customer', 'email'),
  };
}

/**
 * `https://<shop>/admin/orders/<id>`. The id comes from the `gid://shopify/Order/<id>` string:
 * Shopify ids exceed 2^53, so the numeric `id` field is already rounded by JSON.parse.
 */
function adminUrl(topic: string, shop: string | undefined, gid: string | undefined): string | undefined {
  const resource = topic.split('/')[0] ?? '';
  const id = gid !== undefined ? /\/(\d+)$/.exec(gid)?.[1] : undefined;
  if (shop === undefined || id === undefined || !ADMIN_PATHS.has(resource)) return undefined;
  return `https://${shop}/admin/${resource}/${id}`;
}
