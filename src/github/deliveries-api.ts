import { z } from 'zod';
import type { GithubClient } from './github-client.ts';
import { hooksPath, type HookTarget } from './hook-target.ts';
import { nextLink } from './link-header.ts';

/** One delivery attempt as listed by `GET …/hooks/{id}/deliveries` (a redelivery is a new item, same `guid`). */
export const HookDeliverySchema = z.object({
  id: z.number(),
  guid: z.string(),
  delivered_at: z.string(),
  redelivery: z.boolean(),
  status: z.string(),
  status_code: z.number(),
  event: z.string(),
  action: z.string().nullable().optional(),
});
export type HookDelivery = z.output<typeof HookDeliverySchema>;

/** Where a hook's deliveries are listed: a repo/org hook's, or the GitHub App's own webhook's. */
export function hookDeliveriesPath(target: HookTarget, hookId: number): string {
  return `${hooksPath(target)}/${hookId}/deliveries`;
}

/** The GitHub App's own webhook (JWT-authenticated). https://docs.github.com/en/rest/apps/webhooks */
export const APP_HOOK_DELIVERIES = '/app/hook/deliveries';

/**
 * Deliveries of one hook (`path` from hookDeliveriesPath or APP_HOOK_DELIVERIES), newest first, back to `since`. Follows the `Link: rel="next"` cursor
 * (this endpoint pages with `cursor`, not `page`) and stops at the first page that reaches past `since`.
 * https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 */
export async function listDeliveries(client: GithubClient, path: string, since: Date): Promise<HookDelivery[]> {
  const out: HookDelivery[] = [];
  let url: string | undefined = `${path}?per_page=100`;
  while (url) {
    const response = await client.request(`GET ${url}`);
    const page = z.array(HookDeliverySchema).parse(response.data);
    const recent = page.filter((d) => new Date(d.delivered_at) >= since);
    out.push(...recent);
    if (recent.length < page.length) break;
    url = nextLink(response.headers.link);
  }
  return out;
}

/** The deliveries of a hook newer than delivery `afterId` (ids grow with time), newest first. */
export async function deliveriesAfter(client: GithubClient, path: string, afterId: number): Promise<HookDelivery[]> {
  const out: HookDelivery[] = [];
  let url: string | undefined = `${path}?per_page=100`;
  while (url) {
    const response = await client.request(`GET ${url}`);
    const page = z.array(HookDeliverySchema).parse(response.data);
    const newer = page.filter((d) => d.id > afterId);
    out.push(...newer);
    if (newer.length < page.length) break;
    url = nextLink(response.headers.link);
  }
  return out;
}

/** The newest delivery of a hook, or undefined when it has none. */
export async function lastDelivery(client: GithubClient, path: string): Promise<HookDelivery | undefined> {
  const response: { data: unknown } = await client.request(`GET ${path}`, { per_page: 1 });
  const { data } = response;
  return z.array(HookDeliverySchema).parse(data)[0];
}

/** Asks GitHub to deliver a past delivery again (202; it arrives with the same X-GitHub-Delivery). */
export async function redeliver(client: GithubClient, path: string, deliveryId: number): Promise<void> {
  await client.request(`POST ${path}/${deliveryId}/attempts`);
}
