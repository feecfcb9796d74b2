import type { Logger } from 'pino';
import { createConsumerHealth, type ConsumerHealth } from '../bus/consumer-health.ts';
import type { BusHistory, BusStreams, Subscription } from '../bus/event-bus.ts';
import { superviseConsumer, type SupervisedConsumer } from '../bus/supervise-consumer.ts';
import type { HubEvent } from '../events/hub-event.ts';
import type { NoiseGate } from '../noise/noise-gate.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import type { RuleSet } from './rule.ts';
import { routeDelivery, setAside } from './route-delivery.ts';

export interface RuleRouterOptions {
  bus: BusStreams & BusHistory;
  /** The current rule set; read once per event, so a hot reload applies from the next event. */
  getRuleSet: () => RuleSet;
  /** Re-validates rendered params, so a job the worker would reject is reported here instead. */
  registry: ActionRegistry;
  logger: Logger;
  now: () => Date;
  /** Durable consumer name. Default `router`. */
  consumer?: string;
  /** Events routed at once: their job publishes share the bus's group commits. Default 16. */
  concurrency?: number;
  /** Delay before an event whose jobs could not be published is redelivered. Default 1 s. */
  retryDelayMs?: number;
  /** Noise control for rules with throttle/group/mute/activeHours keys (without it those keys are ignored). */
  noise?: NoiseGate;
  /** An event not acked within this time (the hub died while routing it) is redelivered. Bus default when unset. */
  ackWaitMs?: number;
  /** Counts matches per rule (`hookhub_rule_matches_total`). */
  metrics?: Pick<Metrics, 'ruleMatches'>;
  /** Where failures are counted and logged and progress is tracked (readiness); a private one when absent. */
  health?: ConsumerHealth;
  /**
   * No event is taken before this settles (the subscriptions' rules read once): one routed earlier would be
   * finished unmatched. The subscription is open meanwhile, so readiness sees its waiting events.
   */
  ready?: Promise<void>;
}

export interface RuleRouter {
  start(): void;
  /** Stops consuming and waits for the events in flight. */
  stop(): Promise<void>;
}

/** The router's durable consumer on the events stream; how far it has finished tells which events are routed. */
export const ROUTER_CONSUMER = 'router';

/**
 * The rule router: a durable consumer of `events`. For each event it publishes one job per
 * (matched rule, action) to `jobs`, records each rule's outcome, and only then acks the event.
 * A crash in between redelivers the event; its jobs, published again, are dropped by dedup.
 */
export function createRuleRouter(options: RuleRouterOptions): RuleRouter {
  const { bus, consumer = ROUTER_CONSUMER, concurrency = 16 } = options;
  const probe = options.health?.probe(consumer) ?? createConsumerHealth({ logger: options.logger }).probe(consumer);
  let supervised: SupervisedConsumer | undefined;
  const inFlight = new Set<Promise<void>>();
  let stopping: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stopping = resolve));

  const run = async (sub: Subscription<HubEvent>) => {
    if (options.ready) {
      probe.waitingFor('the subscription rules to load (the subscriptions-refresh loop reads them)');
      await Promise.race([options.ready, stopped]);
      probe.waitingFor(undefined);
    }
    for await (const delivery of sub) {
      const task = routeDelivery(delivery, options, probe).then(
        () => probe.progress(),
        (error: unknown) => setAside(delivery, error, options, probe),
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  };

  return {
    start() {
      if (supervised) return;
      const open = (onError: (error: unknown) => void) =>
        bus.consume<HubEvent>('events', consumer, {
          batch: concurrency * 2,
          // The subject is the event's type: one no rule's `on` takes is finished unread (status `unmatched`).
          wants: (type) => options.getRuleSet().considers(type),
          onSkipped: () => probe.progress(),
          onError,
          ...(options.ackWaitMs === undefined ? {} : { ackWaitMs: options.ackWaitMs }),
        });
      supervised = superviseConsumer(open, run, probe);
    },
    async stop() {
      stopping();
      const current = supervised;
      supervised = undefined;
      await current?.stop();
      await Promise.all(inFlight);
    },
  };
}
