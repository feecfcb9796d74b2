import type { Logger } from 'pino';
import type { Job } from '../actions/action.ts';
import { failureBackoffMs, isInfrastructure } from '../bus/consumer-failure.ts';
import { createConsumerHealth, type ConsumerHealth, type ConsumerProbe } from '../bus/consumer-health.ts';
import { BEFORE_ACK, type BusHistory, type BusStreams, type Delivery, type HistoryRecord, type Subscription } from '../bus/event-bus.ts';
import { chargeFailure } from '../bus/message-failures.ts';
import { superviseConsumer, type SupervisedConsumer } from '../bus/supervise-consumer.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { admitJobs, type HeldJob } from '../noise/admit-jobs.ts';
import type { NoiseGate } from '../noise/noise-gate.ts';
import type { Metrics } from '../observability/metrics.ts';

import type { Rule, RuleSet, RuleVerdict } from './rule.ts';
import { withSecretReferences } from '../operations/secret-references.ts';
import { findAction, type ActionRegistry } from '../actions/registry.ts';

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

/** A job id: the idempotency key the bus deduplicates on, stable across redelivery and replay. */
export function jobId(eventId: string, rule: string, index: number): string {
  return `${eventId}:${rule}:${index}`;
}

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
    await Promise.race([options.ready, stopped]);
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

async function routeDelivery(delivery: Delivery<HubEvent>, options: RuleRouterOptions, probe: ConsumerProbe): Promise<void> {
  const { bus, logger, now } = options;
  const event = delivery.payload;
  if (!event || typeof event !== 'object' || typeof event.type !== 'string') {
    logger.error({ eventId: delivery.id }, 'rule router: not a HubEvent, acking it unrouted');
    await bus.record({ ref: delivery.id, kind: 'rule', time: now().toISOString(), data: { outcome: 'error', error: 'not a HubEvent' } });
    await delivery.ack();
    return;
  }
  let planned: Planned[];
  try {
    planned = options
      .getRuleSet()
      .explain(event)
      .map((verdict) => planJobs(verdict, event, options));
  } catch (error) {
    await setAside(delivery, error, options, probe);
    return;
  }
  let recorded: Promise<void> | undefined;
  try {
    if (options.noise) await applyNoise(planned, event, options.noise);
    // The jobs and the outcome records are written together (one commit, one socket write), both before
    // this event's ack (BEFORE_ACK): a stop before the ack leaves an event that comes back, not one
    // routed with no history of its jobs.
    const published = Promise.all(
      planned.flatMap((p) => p.jobs.map((job) => bus.publish('jobs', { id: job.id, subject: job.action, payload: job }, BEFORE_ACK))),
    );
    recorded = recordOutcomes(planned, event, delivery.deliveryCount, options);
    await published;
  } catch (error) {
    // Not acked: the event comes back and its jobs are published again (dedup drops repeats).
    await recorded;
    await setAside(delivery, error, options, probe);
    return;
  }
  for (const { verdict } of planned) if (verdict.outcome === 'matched') options.metrics?.ruleMatches.inc({ rule: verdict.rule.name });
  await recorded;
  await delivery.ack();
}

/**
 * Routing failed. The store or the bus being unavailable is nobody's fault: the event comes back after a
 * back-off, however often. A failure of this event itself (a bug, data no filter expected) is charged to
 * it durably (chargeFailure), and on the MAX_ROUTING_ATTEMPTS-th it is recorded and terminated, so it
 * never blocks the events behind it.
 */
async function setAside(delivery: Delivery<HubEvent>, error: unknown, options: RuleRouterOptions, probe: ConsumerProbe): Promise<void> {
  const reason = probe.failure(error, { eventId: delivery.id, delivery: delivery.deliveryCount });
  const retryMs = options.retryDelayMs ?? 1000;
  try {
    const failures = isInfrastructure(reason) ? 0 : await chargeFailure(options.bus, delivery, error, options.now, probe, options.logger);
    if (failures < MAX_ROUTING_ATTEMPTS) {
      // Backs off by the message's own failures, or by how long an outage has lasted.
      await delivery.nak(failureBackoffMs(failures || delivery.deliveryCount, retryMs));
      return;
    }
    options.logger.error({ err: error, eventId: delivery.id }, `rule router: routing failed ${failures} times; event terminated unrouted`);
    const message = error instanceof Error ? error.message : String(error);
    await options.bus.record({
      ref: delivery.id,
      kind: 'rule',
      time: options.now().toISOString(),
      data: { outcome: 'error', error: message, delivery: delivery.deliveryCount },
    });
    await delivery.term();
  } catch (settleError) {
    // Not settled: the bus redelivers it after the ack wait.
    probe.failure(settleError, { eventId: delivery.id });
  }
}

const MAX_ROUTING_ATTEMPTS = 5;

interface Planned {
  verdict: RuleVerdict;
  jobs: Job[];
  errors: { index: number; action: string; error: string }[];
  /** Jobs kept back by noise control (muted, throttled, grouped into a later digest). */
  held?: HeldJob[];
}

/** Keeps back the jobs of rules with noise keys that should not go out now (see src/noise). */
async function applyNoise(planned: Planned[], event: HubEvent, gate: NoiseGate): Promise<void> {
  for (const p of planned) {
    const spec = p.verdict.rule.noise;
    if (!spec || p.jobs.length === 0) continue;
    const { send, held } = await admitJobs(gate, spec, p.verdict.rule.name, p.jobs, event);
    p.jobs = send;
    p.held = held;
  }
}

/** Renders a matched rule's actions into jobs; a failing action is reported, the others still go. */
export function planJobs(verdict: RuleVerdict, event: HubEvent, options: Pick<RuleRouterOptions, 'registry' | 'now'>): Planned {
  const planned: Planned = { verdict, jobs: [], errors: [] };
  if (verdict.outcome !== 'matched') return planned;
  const rule: Rule = verdict.rule;
  const now = options.now();
  for (const action of rule.actions) {
    try {
      const params = action.render(event, { now, rule: rule.name });
      const checked = findAction(options.registry, action.type)?.paramsSchema.safeParse(params);
      if (checked && !checked.success)
        throw new Error(checked.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; '));
      const refs = action.secretRefs ?? [];
      planned.jobs.push({
        id: jobId(event.id, rule.name, action.index),
        eventId: event.id,
        eventType: event.type,
        rule: rule.name,
        index: action.index,
        action: action.type,
        // Secrets stay `${VAR}` in the stored job; the worker resolves them at send time.
        params: withSecretReferences(params, refs),
        ...(refs.length > 0 ? { secretRefs: refs.map((ref) => [...ref.path]) } : {}),
        createdAt: now.toISOString(),
        eventTime: event.time,
      });
    } catch (error) {
      planned.errors.push({ index: action.index, action: action.type, error: (error as Error).message });
    }
  }
  return planned;
}

async function recordOutcomes(planned: Planned[], event: HubEvent, delivery: number, options: RuleRouterOptions) {
  const time = options.now().toISOString();
  const entries: HistoryRecord[] = planned.map(({ verdict, jobs, errors, held }) => ({
    ref: event.id,
    kind: 'rule',
    time,
    data: {
      rule: verdict.rule.name,
      outcome: verdict.outcome === 'matched' ? (errors.length > 0 ? 'error' : 'queued') : 'skipped',
      ...(verdict.outcome === 'skipped' ? { reason: verdict.reason, failed: verdict.failed } : {}),
      ...(jobs.length > 0 ? { jobs: jobs.map((j) => j.id) } : {}),
      ...(errors.length > 0 ? { errors } : {}),
      ...(held && held.length > 0 ? { held } : {}),
      delivery,
    },
  }));
  // No rule took the event: nothing to record (most events, on a busy hub). Once the router has
  // finished it, its status reads `unmatched` from the consumer's progress (src/operations/event-status.ts).
  for (const entry of entries) {
    if (entry.data.outcome === 'error') options.logger.error({ eventId: event.id, ...entry.data }, 'rule action could not be rendered');
  }
  try {
    await Promise.all(entries.map((entry) => options.bus.record(entry, BEFORE_ACK)));
  } catch (error) {
    // History is an observation: losing a record must not hold the event back.
    options.logger.warn({ err: error, eventId: event.id }, 'rule router: could not record rule outcomes');
  }
}
