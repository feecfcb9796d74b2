import { failureBackoffMs, isInfrastructure } from '../bus/consumer-failure.ts';
import type { ConsumerProbe } from '../bus/consumer-health.ts';
import { BEFORE_ACK, type Delivery, type HistoryRecord } from '../bus/event-bus.ts';
import { chargeFailure } from '../bus/message-failures.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { applyNoise, planJobs, type Planned } from './plan-jobs.ts';
import type { RuleRouterOptions } from './rule-router.ts';

/** Routes one event: plans its jobs, publishes them with the rules' outcome records, then acks it. */
export async function routeDelivery(delivery: Delivery<HubEvent>, options: RuleRouterOptions, probe: ConsumerProbe): Promise<void> {
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
export async function setAside(
  delivery: Delivery<HubEvent>,
  error: unknown,
  options: RuleRouterOptions,
  probe: ConsumerProbe,
): Promise<void> {
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
