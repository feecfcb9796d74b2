import { createApprovalHandler } from './actions/crosspost/approval-handler.ts';
import { APPROVAL_PATH } from './actions/crosspost/approval-request.ts';
import type { ActionRegistry } from './actions/registry.ts';
import type { DeliveryWorker } from './actions/runtime/delivery-worker.ts';
import { createOperatorApi, type OperatorApi } from './api/operator-api.ts';
import type { HubOptions } from './hub.ts';
import type { MonitoredBus } from './hub-monitoring.ts';
import type { HubRole } from './hub-roles.ts';
import { createConnectorInstances } from './ingress/connector-instances.ts';
import { IngressServer, type HookObservation } from './ingress/ingress-server.ts';
import type { RunningRules } from './rules-runtime.ts';

export interface HubServerParts extends MonitoredBus {
  now: () => Date;
  rules: RunningRules;
  registry: ActionRegistry;
  worker: DeliveryWorker | undefined;
}

/** The HTTP side: webhooks, health and metrics, and (for ingress processes) the operator API and approvals. */
export function createHubServer(options: HubOptions, roles: ReadonlySet<HubRole>, parts: HubServerParts) {
  const api = roles.has('ingress') ? createApi(options, parts) : undefined;
  const { config, logger } = options;
  const { bus, now, metrics, meta, health, rules } = parts;
  // Without the ingress role the server still answers /healthz, /readyz and /metrics.
  const ingress = new IngressServer({
    connectors: roles.has('ingress') ? createConnectorInstances(config.connectors, config.developmentDefaults) : new Map(),
    bus,
    bodyLimit: config.server.bodyLimit,
    ...(config.server.publicUrl === undefined ? {} : { publicUrl: config.server.publicUrl }),
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
  return { api, ingress };
}

/** The operator API under /api and the dashboard at / (docs/api.md), served by ingress processes only. */
function createApi(options: HubOptions, parts: HubServerParts): OperatorApi {
  const { bus, now, health, rules, registry, worker } = parts;
  return createOperatorApi({
    bus,
    config: options.config,
    getRuleSet: rules.getRuleSet,
    registry,
    logger: options.logger,
    now,
    rulesProblem: rules.degraded,
    streamProbe: health.probe('event-stream'),
    sessionProbe: health.probe('session-revocations'),
    // The channels page shows this process's live breakers when it runs the workers.
    ...(worker ? { circuitState: worker.circuitState, pausedFor: worker.pausedFor } : {}),
  });
}
