import { randomBytes, randomUUID } from 'node:crypto';
import { GITHUB_DELIVERY_RETENTION_MS } from '../../connectors/github/config.ts';
import { githubConnector as githubProvider } from '../../connectors/github/index.ts';
import { connectHook, findHubHook, type ConnectResult } from './connect-hook.ts';
import type { GithubClient } from './github-client.ts';
import type { GithubConnectorSettings } from './github-settings.ts';
import type { HookTarget } from './hook-target.ts';
import type { DesiredHook } from './plan-hook.ts';
import { parseMarkedUrl } from './secret-fingerprint.ts';

export type RotationOutcome =
  /** Every hook already signs with the first secret: a new secret was generated; nothing changed on GitHub. */
  | { kind: 'generated'; secret: string; hooks: number }
  /** Hooks were switched to the first listed secret (the new one). */
  | { kind: 'switched'; results: ConnectResult[]; keepOldUntil: Date; hubAcceptsOld: boolean };

export interface RotationDeps {
  settings: GithubConnectorSettings;
  client: GithubClient;
  desired: DesiredHook;
  targets: readonly HookTarget[];
  now: () => Date;
  fetch: typeof fetch;
  /** Skip asking the hub whether it accepts the new secret before switching. */
  skipCheck?: boolean;
  dryRun?: boolean;
}

/**
 * Two steps, so no delivery is ever signed with a secret the hub does not accept:
 * 1. all hooks sign with the first listed secret → generate a new secret for the user to list first (and restart);
 * 2. the first listed secret is not on every hook yet → check the running hub accepts it, then set it on each hook.
 * The old secret stays listed for GitHub's 3-day delivery window, then can be dropped.
 */
export async function rotateSecret(deps: RotationDeps): Promise<RotationOutcome> {
  const hooks = await Promise.all(deps.targets.map(async (t) => ({ target: t, hook: await findHubHook(deps.client, t, deps.desired.url) })));
  const present = hooks.filter((h) => h.hook !== undefined);
  const behind = present.filter((h) => parseMarkedUrl(h.hook?.config.url ?? '').fingerprint !== deps.desired.fingerprint);
  if (behind.length === 0) return { kind: 'generated', secret: randomBytes(32).toString('hex'), hooks: present.length };
  if (!deps.skipCheck && !deps.dryRun) await checkHubAccepts(deps);
  const results: ConnectResult[] = [];
  for (const { target } of behind) results.push(await connectHook(deps.client, target, deps.desired, deps.dryRun));
  return {
    kind: 'switched',
    results,
    keepOldUntil: new Date(deps.now().getTime() + GITHUB_DELIVERY_RETENTION_MS),
    hubAcceptsOld: deps.settings.config.secret.length > 1,
  };
}

/** Sends the hub a `ping` signed with the new secret, as GitHub would, and insists on a 2xx. */
async function checkHubAccepts(deps: RotationDeps): Promise<void> {
  const body = Buffer.from(JSON.stringify({ zen: 'hookhub rotate-secret check: does the hub accept the new secret?', hook_id: 0 }));
  const ctx = { name: deps.settings.name, config: deps.settings.config, now: deps.now };
  const headers = githubProvider.sign(body, ctx, { id: `hookhub-check-${randomUUID()}`, event: 'ping' });
  let status: number;
  try {
    const response = await deps.fetch(deps.desired.url, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    status = response.status;
  } catch (err) {
    throw new Error(`could not reach the hub at ${deps.desired.url} to check that it accepts the new secret (${(err as Error).message}); pass --skip-check if it cannot be reached from here`);
  }
  if (status === 401) {
    throw new Error(`the running hub at ${deps.desired.url} refuses the new secret: list it first in connectors.${deps.settings.name}.secret, restart the hub, then run this again`);
  }
  if (status < 200 || status >= 300) throw new Error(`the hub at ${deps.desired.url} answered ${status} to a signed check; not switching hooks`);
}
