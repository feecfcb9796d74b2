import type { Logger } from 'pino';
import type { DeliveryWorker } from './actions/runtime/delivery-worker.ts';
import type { OperatorApi } from './api/operator-api.ts';
import type { ConsumerHealth } from './bus/consumer-health.ts';
import type { EventBus } from './bus/event-bus.ts';
import type { HubEnv } from './config/env.ts';
import { checkExposure } from './config/exposure.ts';
import type { HubConfig } from './config/load-config.ts';
import { warnWeakSecrets } from './config/weak-secrets.ts';
import { warnRefusedChannels } from './config/channel-destinations.ts';
import { checkGithubSync, startGithubSync, type GithubSync } from './github/github-sync.ts';
import { openMonitoredBus, type MonitoredBus } from './hub-monitoring.ts';
import { ALL_ROLES, type HubRole } from './hub-roles.ts';
import { startHubRules } from './hub-rules.ts';
import { createHubServer } from './hub-server.ts';
import { startHubWorker } from './hub-worker.ts';
import type { IngressServer } from './ingress/ingress-server.ts';
import { explainListenError } from './ingress/listen-error.ts';
import type { MetaPublisher } from './meta/meta-publisher.ts';
import { configSecrets } from './operations/config-secrets.ts';
import { createKnownSecrets } from './operations/known-secrets.ts';
import { createLiveSecrets, type LiveSecrets } from './operations/live-secrets.ts';
import type { RunningRules } from './rules-runtime.ts';
import { createScheduler, type Scheduler } from './scheduler/create-scheduler.ts';
import type { SubscriptionsRuntime } from './subscriptions/subscriptions-runtime.ts';

export interface HubOptions {
  config: HubConfig;
  logger: Logger;
  now?: () => Date;
  /** Use this bus instead of opening the configured one (tests). */
  bus?: EventBus;
  /** Environment for `${VAR}` in rule files. */
  env?: HubEnv;
  /** What this process does (`--role`); default all three. */
  roles?: ReadonlySet<HubRole>;
  /** Outbound HTTP for actions; default is the SSRF-guarded fetch built from `delivery`. */
  fetch?: typeof fetch;
}

export interface RunningHub {
  port: number;
  /** Where the HTTP server is bound, `host:port`. */
  address: string;
  bus: EventBus;
  rules: RunningRules;
  /** Publishes meta-events; `consumerChanged` is for the engine's progress checks. */
  meta: MetaPublisher;
  stop(): Promise<void>;
}

/** Starts every part of the hub: bus, action workers, rule router, scheduler, ingress. Stops in reverse order. */
export async function startHub(options: HubOptions): Promise<RunningHub> {
  const { config, logger } = options;
  const now = options.now ?? (() => new Date());
  checkGithubSync(config);
  checkExposure(config);
  warnWeakSecrets(config, logger);
  warnRefusedChannels(config, logger);
  // What the hub obtains while it runs (a GitHub App's tokens, bus.auth.credsFile's JWT and seed), masked like hookhub.yaml's secrets.
  const liveSecrets = createLiveSecrets(now);
  const monitored = await openMonitoredBus(options, now, liveSecrets);
  const { bus, metrics, meta, health } = monitored;
  const roles = options.roles ?? ALL_ROLES;
  const route = roles.has('router');
  const { rules, registry, subscriptions } = await startHubRules(options, now, { ...monitored, liveSecrets }, route);
  // After the rules load: what an answer echoes of their environment values, or of hookhub.yaml's secrets, is
  // masked from the first job and the first sync pass; what the hub obtains later (liveSecrets), from then on.
  const known = createKnownSecrets(configSecrets(config), liveSecrets);
  const secrets = () => known(rules.getRuleSet());
  const worker = startHubWorker(options, roles, bus, { metrics, now, registry, trouble: meta.trouble, health, secrets });
  // Every hub fires every tick; the bus keeps one event per tick (id schedule:<rule>:<tick>).
  const scheduler = createScheduler({ bus, getRuleSet: rules.getRuleSet, logger, probe: health.probe('scheduler') });
  if (route) scheduler.start();
  const { api, ingress } = createHubServer(options, roles, { ...monitored, now, rules, registry, worker });
  // Everything started so far, which a failed listen must stop too (an in-process caller runs on).
  const stopServices = () => stopServicesOf(options, { api, scheduler, rules, subscriptions, worker, health, meta, bus });
  const port = await listenOrStop(ingress, config, stopServices);
  // After listen, so GitHub's redeliveries of missed events find the hub up.
  const github = startIngressGithubSync(options, roles, { ...monitored, now, liveSecrets, secrets });
  return {
    port,
    address: ingress.boundAddress(),
    bus,
    rules,
    meta,
    async stop() {
      await github?.stop();
      await ingress.close();
      await stopServices();
    },
  };
}

/** Listens on the configured address; a failed listen stops what started before it and says why it failed. */
function listenOrStop(ingress: IngressServer, config: HubConfig, stopServices: () => Promise<void>): Promise<number> {
  return ingress.listen(config.server.port, config.server.host).catch(async (error: unknown) => {
    await stopServices();
    throw explainListenError(error, config.server.host, config.server.port);
  });
}

/**
 * GitHub sync runs in ingress processes. Not the actions' SSRF-guarded fetch: GitHub Enterprise often lives on a private network.
 * Its App tokens join the hub's live secrets, and what it logs of GitHub's answers is masked as the workers mask theirs.
 */
function startIngressGithubSync(
  options: HubOptions,
  roles: ReadonlySet<HubRole>,
  parts: MonitoredBus & { now: () => Date; liveSecrets: LiveSecrets; secrets: () => readonly string[] },
): GithubSync | undefined {
  const { config, logger } = options;
  const { bus, now, metrics, health, liveSecrets, secrets } = parts;
  if (!roles.has('ingress')) return undefined;
  const probe = health.probe('github-sync');
  return startGithubSync({ config, bus, logger, now, registry: metrics.registry, probe, liveSecrets, knownSecrets: secrets });
}

interface Services {
  api: OperatorApi | undefined;
  scheduler: Scheduler;
  rules: RunningRules;
  subscriptions: SubscriptionsRuntime;
  worker: DeliveryWorker | undefined;
  health: ConsumerHealth;
  meta: MetaPublisher;
  bus: EventBus;
}

/** Stops the services in the reverse order of their start; the bus only if the hub opened it. */
async function stopServicesOf(options: HubOptions, services: Services): Promise<void> {
  const { api, scheduler, rules, subscriptions, worker, health, meta, bus } = services;
  api?.close();
  await scheduler.stop();
  await rules.stop();
  await subscriptions.stop();
  await worker?.stop();
  health.stop();
  await meta.stop();
  if (!options.bus) await bus.close();
}
