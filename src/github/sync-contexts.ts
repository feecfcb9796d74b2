import type { HubConfig } from '../config/load-config.ts';
import { createGithubClient } from './github-client.ts';
import type { GithubMetrics } from './github-metrics.ts';
import { desiredHook, githubConnectors, requireApi } from './github-settings.ts';
import type { GithubSyncOptions } from './github-sync.ts';
import type { SyncContext } from './sync-connector.ts';

/** The connectors' sync contexts, built once they can be. */
export function contextsUntilBuilt(options: GithubSyncOptions, now: () => Date, metrics: GithubMetrics | undefined, stopping: AbortSignal) {
  let contexts: Promise<SyncContext[]> | undefined;
  // Built again after a failure: a setup that failed once is tried again, never given up on.
  return () =>
    (contexts ??= buildContexts(options, now, metrics, stopping).catch((err: unknown) => {
      contexts = undefined;
      throw err;
    }));
}

/** The github connectors the sync keeps (repos/orgs or an App webhook), each with its API access and hook URL. */
export function syncedConnectors(config: HubConfig) {
  return githubConnectors(config)
    .filter((c) => c.targets.length > 0 || c.appWebhook)
    .map((settings) => ({ settings, ...requireApi(settings) }));
}

/** Builds a client and the desired hook per synced connector. */
function buildContexts(
  options: GithubSyncOptions,
  now: () => Date,
  metrics: GithubMetrics | undefined,
  stopping: AbortSignal,
): Promise<SyncContext[]> {
  const apis = syncedConnectors(options.config);
  return Promise.all(
    apis.map(async ({ settings, auth, hookUrl }): Promise<SyncContext> => {
      const client = createGithubClient({
        apiUrl: settings.apiUrl,
        auth,
        logger: options.logger,
        now,
        signal: stopping,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.liveSecrets ? { liveSecrets: options.liveSecrets } : {}),
        ...options.client,
      });
      const desired = await desiredHook(settings, hookUrl);
      const known = options.knownSecrets ?? (() => []);
      const base = { settings, client, desired, bus: options.bus, logger: options.logger, knownSecrets: known };
      return { ...base, incremental: { scans: new Map(), now }, ...(metrics ? { metrics } : {}) };
    }),
  );
}
