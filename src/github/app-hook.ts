import { z } from 'zod';
import type { ConnectResult } from './connect-hook.ts';
import type { GithubClient } from './github-client.ts';
import { hookChanges, type DesiredHook } from './plan-hook.ts';
import { parseMarkedUrl } from './secret-fingerprint.ts';

const AppHookConfigSchema = z.object({
  url: z.string().optional(),
  content_type: z.string().optional(),
  insecure_ssl: z.union([z.string(), z.number()]).optional(),
  secret: z.string().optional(),
});

/**
 * Points the GitHub App's own webhook at the hub, with the connector's secret (and fingerprint marker),
 * JSON and TLS verification. Its events are the App's subscriptions, set in the App's settings, not here.
 * https://docs.github.com/en/rest/apps/webhooks#update-a-webhook-configuration-for-an-app
 */
export async function ensureAppHook(client: GithubClient, desired: DesiredHook, dryRun = false): Promise<ConnectResult> {
  const { data } = await client.request('GET /app/hook/config');
  const config = AppHookConfigSchema.parse(data);
  const current = parseMarkedUrl(config.url ?? '');
  const changes = current.url === desired.url ? [] : [`url ${current.url || '(none)'} -> ${desired.url}`];
  // Reuse the repo-hook comparison; an App webhook has no events list or active flag of its own here.
  changes.push(...hookChanges({ id: 0, active: true, events: [...desired.events], config }, desired));
  if (changes.length > 0 && !dryRun) {
    // `data`, not top-level parameters: Octokit would take a top-level `url` for the request URL.
    await client.request('PATCH /app/hook/config', {
      data: { url: desired.markedUrl, content_type: 'json', insecure_ssl: '0', secret: desired.secret },
    });
  }
  return {
    target: 'app',
    action: changes.length > 0 ? 'updated' : 'unchanged',
    changes,
    removedDuplicates: [],
    foreignDuplicates: [],
    dryRun,
  };
}
