import { githubApiDefaults, type GithubConfig, type GithubReconcileConfig } from '../../connectors/github/config.ts';
import { signingSecret } from '../../connectors/shared/secret-list.ts';
import type { HubConfig } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import type { GithubAuth } from './github-client.ts';
import { targetsOf, type HookTarget } from './hook-target.ts';
import type { DesiredHook } from './plan-hook.ts';
import { hookUrlFor, markUrl, secretFingerprint } from './secret-fingerprint.ts';

/** One `type: github` connector block, resolved for the API helpers. */
export interface GithubConnectorSettings {
  /** The connector instance name (`connectors.<name>`, the `/hooks/<name>` path). */
  name: string;
  config: GithubConfig;
  apiUrl: string;
  reconcile: GithubReconcileConfig;
  /** `appWebhook: true`: the App's own webhook is managed too. */
  appWebhook: boolean;
  /** Declared in `repos`/`orgs`. */
  targets: HookTarget[];
  auth?: GithubAuth;
  /** `<publicUrl>/hooks/<name>`, when a public URL is known. */
  hookUrl?: string;
}

/** Every github connector in the config, in file order. */
export function githubConnectors(config: HubConfig): GithubConnectorSettings[] {
  return Object.entries(config.connectors)
    .filter(([, block]) => block.type === 'github')
    .map(([name, block]) => resolve(name, block as unknown as GithubConfig, config.server.publicUrl, config.bus.retention));
}

/** The named github connector, or a ConfigError naming the ones there are. */
export function githubConnector(config: HubConfig, name: string | undefined): GithubConnectorSettings {
  const all = githubConnectors(config);
  if (all.length === 0) throw new ConfigError('no connector of type github in the config (see docs/github.md)');
  if (name === undefined) {
    if (all.length > 1)
      throw new ConfigError(`several github connectors (${all.map((c) => c.name).join(', ')}): pick one with --connector`);
    return all[0] as GithubConnectorSettings;
  }
  const found = all.find((c) => c.name === name);
  if (!found) throw new ConfigError(`no github connector named "${name}" (github connectors: ${all.map((c) => c.name).join(', ')})`);
  return found;
}

/** API access and the hook URL, or a ConfigError saying what to add. */
export function requireApi(settings: GithubConnectorSettings): { auth: GithubAuth; hookUrl: string } {
  const where = `connectors.${settings.name}`;
  if (!settings.auth)
    throw new ConfigError(`${where}: GitHub API access needed: set token (a PAT) or app { appId, privateKey, installationId }`);
  if (!settings.hookUrl) throw new ConfigError(`${where}: the hub's public URL is needed: set server.publicUrl or ${where}.publicUrl`);
  return { auth: settings.auth, hookUrl: settings.hookUrl };
}

/** The hook this connector wants: its URL, first (signing) secret with its fingerprint, and events. */
export async function desiredHook(settings: GithubConnectorSettings, hookUrl: string, events?: readonly string[]): Promise<DesiredHook> {
  const secret = signingSecret(settings.config.secret);
  const fingerprint = await secretFingerprint(secret, hookUrl);
  return { url: hookUrl, markedUrl: markUrl(hookUrl, fingerprint), fingerprint, secret, events: events ?? settings.config.events ?? ['*'] };
}

function resolve(name: string, config: GithubConfig, serverUrl: string | undefined, retentionMs: number): GithubConnectorSettings {
  const publicUrl = config.publicUrl ?? serverUrl;
  const auth: GithubAuth | undefined = config.token ? { token: config.token } : config.app ? { app: config.app } : undefined;
  const { apiUrl, reconcile } = githubApiDefaults(config);
  return {
    name,
    config,
    apiUrl,
    // Past the bus retention the hub cannot tell a delivery it processed (and pruned) from one it missed:
    // looking further back would redeliver, and run again, what it already handled.
    reconcile: { ...reconcile, lookback: Math.min(reconcile.lookback, retentionMs) },
    targets: targetsOf(config),
    appWebhook: config.appWebhook === true,
    ...(auth ? { auth } : {}),
    ...(publicUrl ? { hookUrl: hookUrlFor(publicUrl, name) } : {}),
  };
}
