import type { ActionRegistry } from './actions/registry.ts';
import type { DeliveryTrouble } from './actions/runtime/delivery-trouble.ts';
import { createDeliveryWorker, type DeliveryWorker } from './actions/runtime/delivery-worker.ts';
import type { ConsumerHealth } from './bus/consumer-health.ts';
import type { BusDeadLetters, BusHistory, BusStreams } from './bus/event-bus.ts';
import type { HubOptions } from './hub.ts';
import type { HubRole } from './hub-roles.ts';
import type { Metrics } from './observability/metrics.ts';
import { configSecrets } from './operations/config-secrets.ts';
import { createKnownSecrets } from './operations/known-secrets.ts';
import type { LiveSecrets } from './operations/live-secrets.ts';
import type { RunningRules } from './rules-runtime.ts';
import { deliveryNetworkPolicy } from './actions/runtime/ssrf/network-policy.ts';

interface WorkerParts {
  metrics: Metrics;
  now: () => Date;
  registry: ActionRegistry;
  trouble: DeliveryTrouble;
  health: ConsumerHealth;
  liveSecrets: LiveSecrets;
}

type WorkerBus = BusStreams & BusHistory & BusDeadLetters;

/** Starts the action workers when this process has the worker role. */
export function startHubWorker(
  options: HubOptions,
  roles: ReadonlySet<HubRole>,
  bus: WorkerBus,
  parts: WorkerParts,
  rules: RunningRules,
): DeliveryWorker | undefined {
  // After the rules load: what a destination's answer echoes of their environment values, or of hookhub.yaml's
  // secrets, is masked from the first job; what the hub obtains later (liveSecrets), from then on.
  const { liveSecrets, ...workerParts } = parts;
  const known = createKnownSecrets(configSecrets(options.config), liveSecrets);
  return roles.has('worker') ? startWorker(options, bus, { ...workerParts, secrets: () => known(rules.getRuleSet()) }) : undefined;
}

type StartParts = Omit<WorkerParts, 'liveSecrets'> & { secrets: () => readonly string[] };

function startWorker(options: HubOptions, bus: WorkerBus, parts: StartParts): DeliveryWorker {
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
      network: deliveryNetworkPolicy(delivery),
    },
  });
  worker.start();
  return worker;
}
