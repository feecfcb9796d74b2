import type { HubEvent } from '../../events/hub-event.ts';

type HeaderRecipe = (event: HubEvent, parts: string[]) => Record<string, string>;

/**
 * The provider's own event headers, rebuilt from the stored event so a local app can route as it
 * would in production. The provider's signature cannot be rebuilt: the request is signed by the
 * hub instead (Standard Webhooks headers).
 */
const RECIPES: Readonly<Record<string, HeaderRecipe>> = {
  // https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
  github: (event, parts) => ({ 'x-github-event': parts[1] ?? '', 'x-github-delivery': event.id }),
  // https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook
  shopify: (event, parts) => ({ 'x-shopify-topic': parts.slice(1).join('/'), 'x-shopify-webhook-id': event.id }),
  // https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/#HTTP-headers
  bitbucket: (event, parts) => ({ 'x-event-key': `${parts[1] ?? ''}:${parts.slice(2).join(':')}`, 'x-request-uuid': event.id }),
};

/** Event headers for `event` (the hub's own always, the provider's where known). */
export function providerHeaders(event: HubEvent): Record<string, string> {
  const parts = event.type.split('.');
  const recipe = RECIPES[parts[0] ?? ''];
  return {
    'x-hookhub-event-type': event.type,
    'x-hookhub-connector': event.connector,
    ...(recipe ? recipe(event, parts) : {}),
  };
}
