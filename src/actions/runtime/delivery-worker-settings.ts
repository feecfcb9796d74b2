/** The delivery worker's settings with their defaults, and the per-destination guards made from them. */
import { createDestinationGuards, type DestinationGuards } from './destination-guards.ts';
import type { DeliveryWorkerOptions } from './delivery-worker.ts';
import type { ProcessorSettings } from './process-delivery.ts';
import { createRetryPolicy } from './retry-policy.ts';

/** Each destination's concurrency limit and circuit breaker, with the worker's defaults. */
export function destinationGuardsFor(settings: WorkerSettings, now: () => Date): DestinationGuards {
  return createDestinationGuards(
    {
      concurrency: settings.destinationConcurrency,
      failureThreshold: settings.failureThreshold,
      cooldownMs: settings.cooldownMs,
      busyDelayMs: Math.min(500, settings.attemptTimeoutMs),
    },
    now,
  );
}

export interface WorkerSettings extends ProcessorSettings {
  concurrency: number;
  destinationConcurrency: number;
  failureThreshold: number;
  cooldownMs: number;
}

export function resolveWorkerSettings(options: DeliveryWorkerOptions): WorkerSettings {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 15_000;
  // Fail at startup, not on the first job, when the default schedule is invalid.
  createRetryPolicy(options.retry);
  return {
    attemptTimeoutMs,
    ackWaitMs: options.ackWaitMs ?? Math.max(30_000, attemptTimeoutMs * 2),
    retry: options.retry,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 43_200_000,
    random: options.random ?? Math.random,
    concurrency: options.concurrency ?? 64,
    destinationConcurrency: options.destinationConcurrency ?? 16,
    failureThreshold: options.circuitBreaker?.failures ?? 5,
    cooldownMs: options.circuitBreaker?.cooldownMs ?? 30_000,
  };
}
