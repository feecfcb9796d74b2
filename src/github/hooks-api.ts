import { z } from 'zod';
import type { GithubClient } from './github-client.ts';
import { nextLink } from './link-header.ts';
import { hooksPath, type HookTarget } from './hook-target.ts';

/** A webhook as GitHub returns it (the fields hookhub reads). `config.secret` is only ever "********". */
export const GithubHookSchema = z.object({
  id: z.number(),
  active: z.boolean(),
  events: z.array(z.string()),
  config: z.object({
    url: z.string().optional(),
    content_type: z.string().optional(),
    insecure_ssl: z.union([z.string(), z.number()]).optional(),
    secret: z.string().optional(),
  }),
  last_response: z
    .object({ code: z.number().nullable(), status: z.string().nullable(), message: z.string().nullable() })
    .partial()
    .nullish(),
});
export type GithubHook = z.output<typeof GithubHookSchema>;

/** What hookhub writes: a JSON webhook with a secret. Always the whole config (GitHub drops a secret left out of an update). */
export interface HookSettings {
  url: string;
  secret: string;
  events: readonly string[];
}

export async function listHooks(client: GithubClient, target: HookTarget): Promise<GithubHook[]> {
  // GitHub caps webhooks at 20 per event per repo/org, so one page of 100 is nearly always all; follow Link anyway.
  const hooks: GithubHook[] = [];
  let url: string | undefined = `${hooksPath(target)}?per_page=100`;
  while (url) {
    const response = await client.request(`GET ${url}`);
    hooks.push(...z.array(GithubHookSchema).parse(response.data));
    url = nextLink(response.headers.link);
  }
  return hooks;
}

export async function createHook(client: GithubClient, target: HookTarget, settings: HookSettings): Promise<GithubHook> {
  const response: { data: unknown } = await client.request(`POST ${hooksPath(target)}`, { name: 'web', ...body(settings) });
  return GithubHookSchema.parse(response.data);
}

export async function updateHook(client: GithubClient, target: HookTarget, id: number, settings: HookSettings): Promise<GithubHook> {
  const response: { data: unknown } = await client.request(`PATCH ${hooksPath(target)}/${id}`, body(settings));
  return GithubHookSchema.parse(response.data);
}

export async function deleteHook(client: GithubClient, target: HookTarget, id: number): Promise<void> {
  await client.request(`DELETE ${hooksPath(target)}/${id}`);
}

/** Asks GitHub to send a `ping` event to the hook (answered 204; the ping arrives asynchronously). */
export async function pingHook(client: GithubClient, target: HookTarget, id: number): Promise<void> {
  await client.request(`POST ${hooksPath(target)}/${id}/pings`);
}

function body(settings: HookSettings) {
  return {
    active: true,
    events: [...settings.events],
    config: { url: settings.url, content_type: 'json', insecure_ssl: '0', secret: settings.secret },
  };
}
