import type { Logger } from 'pino';
import { createApprovalHandler } from './actions/crosspost/approval-handler.ts';
import { APPROVAL_PATH } from './actions/crosspost/approval-request.ts';
import { actions } from './actions/index.ts';
import { createReportAction } from './actions/report/index.ts';
import type { DeliveryTrouble } from './actions/runtime/delivery-trouble.ts';
import { createMetaPublisher, type MetaPublisher } from './meta/meta-publisher.ts';
import { githubConnectors } from './github/github-settings.ts';
import { createGithubReviewReader } from './reminders/github-review-reader.ts';
import { remindersExtension } from './reminders/reminders-extension.ts';
import { createDeliveryWorker, type DeliveryWorker } from './actions/runtime/delivery-worker.ts';
import { createOperatorApi } from './api/operator-api.ts';
import { createConsumerHealth, type ConsumerHealth, type ConsumerProbe } from './bus/consumer-health.ts';
import { openBusForHub } from './bus/create-bus.ts';
import type { BusDeadLetters, BusHistory, BusStreams, EventBus } from './bus/event-bus.ts';
import type { HubEnv } from './config/env.ts';
import { checkExposure } from './config/exposure.ts';
import type { HubConfig } from './config/load-config.ts';
import { checkGithubSync, startGithubSync } from './github/github-sync.ts';
import { createConnectorInstances } from './ingress/connector-instances.ts';
import { IngressServer, type HookObservation } from './ingress/ingress-server.ts';
import { explainListenError } from './ingress/listen-error.ts';
import { createMetrics } from './observability/metrics.ts';
import { configSecrets } from './operations/config-secrets.ts';
import { createKnownSecrets } from './operations/known-secrets.ts';
import { createRulesChecks } from './github/rules-check/rules-checks.ts';
import { rulesContext, startRules, type RunningRules } from './rules-runtime.ts';
import { createScheduler } from './scheduler/create-scheduler.ts';
import { ALL_ROLES, type HubRole } from './hub-roles.ts';
import { createSubscriptionsRuntime } from './subscriptions/subscriptions-runtime.ts';
import type { ActionRegistry } from './actions/registry.ts';

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
  // Retention sweeps run inside the bus from its first open; once health exists they count as its `retention` loop.
  const retention: { probe?: ConsumerProbe } = {};
  const retentionReport = {
    swept: () => retention.probe?.progress(),
    failed: (error: unknown) =>
      retention.probe ? retention.probe.failure(error) : logger.error({ err: error }, 'retention sweep failed; retrying at the next one'),
  };
  const bus = options.bus ?? (await openBusForHub(config.bus, logger, now, retentionReport));
  const metrics = createMetrics();
  metrics.trackDlqDepth(() => bus.countDeadLetters());
  // The hub's own trouble as `source: /hookhub` events that rules route (docs/rules.md#meta-events).
  const meta = createMetaPublisher({ bus, logger, now, metrics });
  meta.start();
  // No consumer ends on an error; this is where their failures, progress and stalls show (/readyz, /metrics).
  const health = createConsumerHealth({
    logger,
    metrics,
    stallAfterMs: config.readiness.stallAfter,
    onStall: (stall) =>
      meta.consumerChanged({
        consumer: stall.consumer,
        state: 'stalled',
        since: new Date(now().getTime() - stall.idleSeconds * 1000).toISOString(),
        pending: stall.pending,
      }),
    onRecover: (consumer) => meta.consumerChanged({ consumer, state: 'recovered' }),
    waitingOn: () => bus.waitingOn?.(),
  });
  health.start(Math.min(5_000, config.readiness.stallAfter / 2));
  retention.probe = health.probe('retention');
  // Chat subscriptions add the `chat` and `subscription-command` actions and their own rules; review reminders plug into them.
  // Open PRs for review reminders (`/hookhub remind`, report source github-reviews), with the github connectors' API access.
  const reviews = createGithubReviewReader({ connectors: githubConnectors(config), logger, now });
  const subscriptions = createSubscriptionsRuntime({
    bus,
    settings: config.subscriptions,
    logger,
    now,
    extension: remindersExtension(reviews),
    health,
  });
  // Rule files may name only the action types docs/actions.md documents, as `rules validate` checks them;
  // the rest run the rules the hub makes itself.
  const fileActions = { ...actions, report: createReportAction({ reviews }) };
  // Pull-request checks of rule changes (github connectors with rulesCheck) add `rules-check` and its rule.
  const rulesChecks = createRulesChecks(config, logger, () => rulesContext(config, fileActions, options.env?.vars ?? {}));
  const registry = { ...fileActions, ...subscriptions.actions, ...rulesChecks.actions };
  const roles = options.roles ?? ALL_ROLES;
  const route = roles.has('router');
  const rules = await startRules(config, {
    registry,
    fileActions,
    bus,
    logger,
    now,
    vars: options.env?.vars ?? {},
    subscriptions,
    builtinRules: rulesChecks.rules,
    route,
    onReloadFailed: meta.reloadFailed,
    metrics,
    health,
  });
  // After the rules load: what a destination's answer echoes of their environment values, or of hookhub.yaml's
  // secrets, is masked from the first job.
  const known = createKnownSecrets(configSecrets(config));
  const worker = roles.has('worker')
    ? startWorker(options, bus, { metrics, now, registry, trouble: meta.trouble, health, secrets: () => known(rules.getRuleSet()) })
    : undefined;
  // Every hub fires every tick; the bus keeps one event per tick (id schedule:<rule>:<tick>).
  const scheduler = createScheduler({ bus, getRuleSet: rules.getRuleSet, logger, probe: health.probe('scheduler') });
  if (route) scheduler.start();
  // The operator API under /api and the dashboard at / (docs/api.md), served by ingress processes only.
  const api = roles.has('ingress')
    ? createOperatorApi({
        bus,
        config,
        getRuleSet: rules.getRuleSet,
        registry,
        logger,
        now,
        rulesProblem: rules.degraded,
        streamProbe: health.probe('event-stream'),
        sessionProbe: health.probe('session-revocations'),
        // The channels page shows this process's live breakers when it runs the workers.
        ...(worker ? { circuitState: worker.circuitState } : {}),
      })
    : undefined;
  // Without the ingress role the server still answers /healthz, /readyz and /metrics.
  const ingress = new IngressServer({
    connectors: roles.has('ingress') ? createConnectorInstances(config.connectors) : new Map(),
    bus,
    bodyLimit: config.server.bodyLimit,
    limits: {
      headersTimeoutMs: config.server.headersTimeout,
      requestTimeoutMs: config.server.requestTimeout,
      maxConnections: config.server.maxConnections,
    },
    logger,
    now,
    metrics,
    degraded: rules.degraded,
    stalls: health.stalls,
    failingLoops: health.failingLoops,
    // GET/POST /approvals/<token>: signed links that release held crosspost jobs.
    ...(api
      ? {
          mounts: [
            { prefix: APPROVAL_PATH, handle: createApprovalHandler({ bus, now, logger, vars: options.env?.vars ?? {} }) },
            { prefix: '/', handle: api.handle },
          ],
          onHook: (o: HookObservation) => {
            api.observeHook(o);
            meta.observeHook(o);
          },
        }
      : {}),
  });
  // Everything started so far, which a failed listen must stop too (an in-process caller runs on).
  const stopServices = async () => {
    api?.close();
    await scheduler.stop();
    await rules.stop();
    await subscriptions.stop();
    await worker?.stop();
    health.stop();
    await meta.stop();
    if (!options.bus) await bus.close();
  };
  const port = await ingress.listen(config.server.port, config.server.host).catch(async (error: unknown) => {
    await stopServices();
    throw explainListenError(error, config.server.host, config.server.port);
  });
  // After listen, so GitHub's redeliveries of missed events find the hub up. Not the actions' SSRF-guarded
  // fetch: GitHub Enterprise often lives on a private network.
  const github = roles.has('ingress')
    ? startGithubSync({ config, bus, logger, now, registry: metrics.registry, probe: health.probe('github-sync') })
    : undefined;
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

interface WorkerParts {
  metrics: ReturnType<typeof createMetrics>;
  now: () => Date;
  registry: ActionRegistry;
  trouble: DeliveryTrouble;
  health: ConsumerHealth;
  secrets: () => readonly string[];
}

function startWorker(options: HubOptions, bus: BusStreams & BusHistory & BusDeadLetters, parts: WorkerParts): DeliveryWorker {
  const { delivery, channels } = options.config;
  const worker = createDeliveryWorker({
    ...parts,
    bus,
    channels,
    logger: options.logger,
    vars: options.env?.vars ?? {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
    options: {
      attemptTimeoutMs: delivery.timeout,
      network: { allowPrivateNetworks: delivery.allowPrivateNetworks, allow: delivery.allowlist },
    },
  });
  worker.start();
  return worker;
}
