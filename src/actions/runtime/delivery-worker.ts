import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { createConsumerHealth, type ConsumerHealth } from '../../bus/consumer-health.ts';
import type { BusDeadLetters, BusHistory, BusStreams, Delivery, Subscription } from '../../bus/event-bus.ts';
import { superviseConsumer, type SupervisedConsumer } from '../../bus/supervise-consumer.ts';
import { handlingFailed } from './handling-failed.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { ActionDeps, Job } from '../action.ts';

import type { CircuitState } from './circuit-breaker.ts';
import type { DeliveryTrouble } from './delivery-trouble.ts';
import type { DestinationGuards } from './destination-guards.ts';
import { createGoneDestinations } from './gone-destinations.ts';
import { createDeliveryProcessor } from './process-delivery.ts';
import type { RetryConfig } from './retry-policy.ts';
import { createOutboundGuard, type OutboundGuard } from './ssrf/guarded-fetch.ts';
import type { NetworkPolicy } from './ssrf/network-policy.ts';
import type { ActionRegistry } from '../registry.ts';
import { destinationGuardsFor, resolveWorkerSettings, type WorkerSettings } from './delivery-worker-settings.ts';

export interface DeliveryWorkerOptions {
  /** Durable consumer name on the `jobs` stream. Default `workers`. */
  consumer?: string;
  /** Deliveries processed at once by this worker, across all destinations. Default 64 (four destinations at their default). */
  concurrency?: number;
  /** Per-attempt timeout unless the destination sets `timeout`. Default 15 s. */
  attemptTimeoutMs?: number;
  /** Bus ack wait (crash recovery). Default max(30 s, 2 x attempt timeout). Long attempts heartbeat. */
  ackWaitMs?: number;
  /** Retry schedule unless the destination sets `retry`. Default: ~0, 5s, 30s, 2m, 10m, 30m, 1h, 3h, 6h, 12h. */
  retry?: RetryConfig;
  /**
   * Attempts in flight per destination unless it sets `concurrency`. Default 16: by Little's law a
   * destination gets at most this many / attempt time, and the attempt time includes the hub's own
   * event-loop turns (4 capped a local sink near 500/s).
   */
  destinationConcurrency?: number;
  /** Consecutive failures that open a destination's circuit (default 5) and its cooldown (default 30 s). */
  circuitBreaker?: { failures?: number; cooldownMs?: number };
  /** Cap on a destination's Retry-After. Default 12 h. */
  maxRetryAfterMs?: number;
  /** SSRF guard for the default outbound fetch (ignored when `fetch` is injected). */
  network?: NetworkPolicy;
  random?: () => number;
}

export interface DeliveryWorkerDeps {
  bus: BusStreams & BusHistory & BusDeadLetters;
  registry: ActionRegistry;
  channels: ActionDeps['channels'];
  logger: Logger;
  now: () => Date;
  /** Outbound HTTP. Default: the SSRF-guarded fetch built from `options.network`. */
  fetch?: typeof fetch;
  /** Told about dead letters and circuit changes (the hub publishes meta-events). */
  trouble?: DeliveryTrouble;
  /** Host check for non-HTTP protocols (SMTP). Default: the same guard. */
  resolveAddress?: ActionDeps['resolveAddress'];
  metrics?: Metrics;
  /** Where failures are counted and logged and progress is tracked (readiness); a private one when absent. */
  health?: ConsumerHealth;
  /** The environment: jobs keep secrets as `${VAR}` references, resolved from here at send time. */
  vars?: Readonly<Record<string, string | undefined>>;
  /**
   * Values masked wherever a destination's answer or an error message echoes them, before they are
   * recorded, logged or reported (createKnownSecrets: the rules' environment values and hookhub.yaml's
   * secrets, in every form text echoes them in). Each job's own secrets and destination are masked too, without this.
   */
  secrets?: () => readonly string[];
  options?: DeliveryWorkerOptions;
}

export interface DeliveryWorker {
  start(): void;
  /** Stops taking jobs and waits for in-flight attempts (aborting them after `graceMs`, default 20 s). */
  stop(graceMs?: number): Promise<void>;
  /** This process's circuit state for a destination key (`channel:<name>`); `closed` for one it has not seen failing. */
  circuitState: (destination: string) => CircuitState;
  /** How long this process admits nothing to a destination key because it answered 429 (0 when it is not paused). */
  pausedFor: (destination: string) => number;
}

/** Action workers: a durable consumer on `jobs` that delivers each job with retries, protection and dead-lettering. */
export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const options = deps.options ?? {};
  const settings = resolveWorkerSettings(options);
  // Built even when fetch is injected: SMTP and other non-HTTP actions check hosts through it.
  const guard = createOutboundGuard(options.network);
  const stopper = new AbortController();
  // Every attempt in flight listens on it (run-attempt.ts), up to `concurrency` at once and removed after:
  // over Node's default of 10, each hub under load printed a "possible memory leak" warning that was none.
  setMaxListeners(settings.concurrency, stopper.signal);
  const guards = destinationGuardsFor(settings, deps.now);
  const process = buildProcessor(deps, settings, guard, guards, stopper.signal);
  deps.metrics?.trackDlqDepth(() => deps.bus.countDeadLetters());

  const consumer = options.consumer ?? 'workers';
  const probe = (deps.health ?? createConsumerHealth({ logger: deps.logger })).probe(consumer);
  let supervised: SupervisedConsumer | undefined;

  const handle = (delivery: Delivery<Job>): Promise<void> =>
    process(delivery).then(
      () => probe.progress(),
      (error: unknown) => handlingFailed(deps.bus, delivery, error, probe, deps.now, deps.logger),
    );
  const { run, inFlight } = boundedConsume(settings.concurrency, handle);

  return {
    start() {
      if (supervised) return;
      const open = (onError: (error: unknown) => void) =>
        deps.bus.consume<Job>('jobs', consumer, { ackWaitMs: settings.ackWaitMs, batch: settings.concurrency, onError });
      supervised = superviseConsumer(open, run, probe);
    },
    async stop(graceMs = 20_000) {
      const timer = setTimeout(() => stopper.abort(), graceMs);
      const current = supervised;
      supervised = undefined;
      await current?.stop();
      await Promise.allSettled([...inFlight]);
      clearTimeout(timer);
      guard.close();
    },
    circuitState: (destination) => guards.circuit(destination),
    pausedFor: (destination) => guards.pausedFor(destination),
  };
}

/** The consume loop, and the deliveries it has under way (stop() waits for them). */
function boundedConsume(concurrency: number, handle: (delivery: Delivery<Job>) => Promise<void>) {
  const inFlight = new Set<Promise<void>>();
  const run = async (sub: Subscription<Job>): Promise<void> => {
    for await (const delivery of sub) {
      // Backpressure: at most `concurrency` deliveries at once, each on its own, so a slow destination never blocks the loop.
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const task = handle(delivery).finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  };
  return { run, inFlight };
}

function buildProcessor(
  deps: DeliveryWorkerDeps,
  settings: WorkerSettings,
  guard: OutboundGuard,
  guards: DestinationGuards,
  stopSignal: AbortSignal,
) {
  return createDeliveryProcessor({
    ...(deps.trouble ? { trouble: deps.trouble } : {}),
    bus: deps.bus,
    registry: deps.registry,
    deps: {
      fetch: deps.fetch ?? guard.fetch,
      now: deps.now,
      channels: deps.channels,
      resolveAddress: deps.resolveAddress ?? guard.resolve,
      history: deps.bus,
    },
    logger: deps.logger,
    metrics: deps.metrics,
    guards,
    defaultDestinationConcurrency: settings.destinationConcurrency,
    globalConcurrency: settings.concurrency,
    gone: createGoneDestinations(deps.bus, deps.now),
    settings,
    stopSignal,
    ...(deps.vars ? { vars: deps.vars } : {}),
    ...(deps.secrets ? { secrets: deps.secrets } : {}),
  });
}
