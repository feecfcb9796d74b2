import type { ActionRegistry } from './actions/registry.ts';
import type { DeliveryTrouble } from './actions/runtime/delivery-trouble.ts';
import { createDeliveryWorker, type DeliveryWorker } from './actions/runtime/delivery-worker.ts';
import type { ConsumerHealth } from './bus/consumer-health.ts';
import type { BusDeadLetters, BusHistory, BusStreams } from './bus/event-bus.ts';
import type { HubOptions } from './hub.ts';
import type { HubRole } from './hub-roles.ts';
import type { Metrics } from './observability/metrics.ts';
import { deliveryNetworkPolicy } from './actions/runtime/ssrf/network-policy.ts';

interface WorkerParts {
  metrics: Metrics;
  now: () => Date;
  registry: ActionRegistry;
  trouble: DeliveryTrouble;
  health: ConsumerHealth;
  /** What the hub knows to be secret (createKnownSecrets over the running rules), for masking attempts. */
  secrets: () => readonly string[];
}

type WorkerBus = BusStreams & BusHistory & BusDeadLetters;

/** Starts the action workers when this process has the worker role. */
export function startHubWorker(
  options: HubOptions,
  roles: ReadonlySet<HubRole>,
  bus: WorkerBus,
  parts: WorkerParts,
): DeliveryWorker | undefined {
  return roles.has('worker') ? startWorker(options, bus, parts) : undefined;
}

function startWorker(options: HubOptions, bus: WorkerBus, parts: WorkerParts): DeliveryWorker {
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
