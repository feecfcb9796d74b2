import { z } from 'zod';
import type { GithubClient } from './github-client.ts';
import { hooksPath, type HookTarget } from './hook-target.ts';

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

/**
 * Deliveries of one hook, newest first, back to `since`. Follows the `Link: rel="next"` cursor
 * (this endpoint pages with `cursor`, not `page`) and stops at the first page that reaches past `since`.
 * https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook
 */
export async function listDeliveries(client: GithubClient, target: HookTarget, hookId: number, since: Date): Promise<HookDelivery[]> {
  const out: HookDelivery[] = [];
  let url: string | undefined = `${hooksPath(target)}/${hookId}/deliveries?per_page=100`;
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

/** The newest delivery of a hook, or undefined when it has none. */
export async function lastDelivery(client: GithubClient, target: HookTarget, hookId: number): Promise<HookDelivery | undefined> {
  const { data } = await client.request(`GET ${hooksPath(target)}/${hookId}/deliveries`, { per_page: 1 });
  return z.array(HookDeliverySchema).parse(data)[0];
}

/** Asks GitHub to deliver a past delivery again (202; it arrives with the same X-GitHub-Delivery). */
export async function redeliver(client: GithubClient, target: HookTarget, hookId: number, deliveryId: number): Promise<void> {
  await client.request(`POST ${hooksPath(target)}/${hookId}/deliveries/${deliveryId}/attempts`);
}

/** The `rel="next"` URL of an RFC 8288 Link header. */
export function nextLink(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (match) return match[1];
  }
  return undefined;
}
