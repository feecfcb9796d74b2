import { randomBytes, randomUUID } from 'node:crypto';
import { GITHUB_DELIVERY_RETENTION_MS } from '../../connectors/github/config.ts';
import { githubConnector as githubProvider } from '../../connectors/github/index.ts';
import { describeApiError } from './api-error.ts';
import { ensureAppHook } from './app-hook.ts';
import { connectHook, findHubHook, type ConnectResult } from './connect-hook.ts';
import type { GithubClient } from './github-client.ts';
import type { GithubConnectorSettings } from './github-settings.ts';
import { targetLabel, type HookTarget } from './hook-target.ts';
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
  const hooks = await hubHooks(deps);
  // Not "all 0 hooks already sign with the first secret": nothing here signs with anything yet.
  if (hooks.length === 0)
    throw new Error(`connector "${deps.settings.name}" has no hub hook to rotate: run \`hookhub github connect\` first`);
  const behind = hooks.filter((h) => h.fingerprint !== deps.desired.fingerprint);
  if (behind.length === 0) return { kind: 'generated', secret: randomBytes(32).toString('hex'), hooks: hooks.length };
  if (!deps.skipCheck && !deps.dryRun) await checkHubAccepts(deps);
  const results: ConnectResult[] = [];
  // A failure stops here, which is safe (the hub accepts both secrets); running it again switches the rest.
  for (const hook of behind) results.push(await labelled(hook.label, hook.switch));
  return {
    kind: 'switched',
    results,
    keepOldUntil: new Date(deps.now().getTime() + GITHUB_DELIVERY_RETENTION_MS),
    hubAcceptsOld: deps.settings.config.secret.length > 1,
  };
}

interface HubHook {
  /** `owner/repo`, an org, or `app`. */
  label: string;
  /** The fingerprint marker in its URL, if any. */
  fingerprint: string | undefined;
  switch: () => Promise<ConnectResult>;
}

/** Runs one target's step; a failure names the target and GitHub's answer with its likely fix. */
async function labelled<T>(label: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new Error(`${label}: ${describeApiError(err)}`, { cause: err });
  }
}

/** The hub's hooks on the targets, plus the App webhook when the connector manages it (and it points at the hub). */
async function hubHooks(deps: RotationDeps): Promise<HubHook[]> {
  const out: HubHook[] = [];
  for (const target of deps.targets) {
    const label = targetLabel(target);
    const hook = await labelled(label, () => findHubHook(deps.client, target, deps.desired.url));
    if (hook)
      out.push({
        label,
        fingerprint: parseMarkedUrl(hook.config.url ?? '').fingerprint,
        switch: () => connectHook(deps.client, target, deps.desired, deps.dryRun),
      });
  }
  if (deps.settings.appWebhook) {
    const { data } = await labelled('app', () => deps.client.request('GET /app/hook/config'));
    const marked = parseMarkedUrl((data as { url?: string }).url ?? '');
    if (marked.url === deps.desired.url)
      out.push({ label: 'app', fingerprint: marked.fingerprint, switch: () => ensureAppHook(deps.client, deps.desired, deps.dryRun) });
  }
  return out;
}

/** Sends the hub a `ping` signed with the new secret, as GitHub would, and insists on a 2xx. */
async function checkHubAccepts(deps: RotationDeps): Promise<void> {
  const body = Buffer.from(JSON.stringify({ zen: 'hookhub rotate-secret check: does the hub accept the new secret?', hook_id: 0 }));
  const ctx = { name: deps.settings.name, config: deps.settings.config, now: deps.now };
  const headers = githubProvider.sign(body, ctx, { id: `hookhub-check-${randomUUID()}`, event: 'ping' });
  let status: number;
  try {
    const response = await deps.fetch(deps.desired.url, {
      method: 'POST',
      headers,
      body: new Uint8Array(body),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    status = response.status;
  } catch (err) {
    throw new Error(
      `could not reach the hub at ${deps.desired.url} to check that it accepts the new secret (${(err as Error).message}); pass --skip-check if it cannot be reached from here`,
      { cause: err },
    );
  }
  if (status === 401) {
    throw new Error(
      `the running hub at ${deps.desired.url} refuses the new secret: list it first in connectors.${deps.settings.name}.secret, restart the hub, then run this again`,
    );
  }
  if (status < 200 || status >= 300)
    throw new Error(`the hub at ${deps.desired.url} answered ${status} to a signed check; not switching hooks`);
}
