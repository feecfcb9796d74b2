import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DeliveryTrouble } from '../actions/runtime/delivery-trouble.ts';
import type { BusStreams } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import type { Metrics } from '../observability/metrics.ts';
import { circuitEvent, consumerEvent, deadLetteredEvent, rejectionsEvent, reloadFailedEvent, type ConsumerInfo } from './meta-builders.ts';
import { isMetaEventType } from './meta-event.ts';
import { createRejectionWindows, DROPPED_ITEM, rejectionReason, type ClosedWindow } from './rejection-windows.ts';

export interface MetaPublisherOptions {
  bus: Pick<BusStreams, 'publish'>;
  logger: Logger;
  now: () => Date;
  metrics?: Pick<Metrics, 'metaEvents'>;
  /** Window for `hookhub.connector.rejections`. Default 5 min. */
  rejectionWindowMs?: number;
  /** How often ended windows are published. Default 5 s. */
  sweepMs?: number;
  /** Waits before publishing a meta-event again while the bus refuses it. Default 1 s, 5 s, 15 s, 30 s, 60 s. */
  publishRetryMs?: readonly number[];
}

export interface MetaPublisher {
  /** For the delivery workers: dead letters and circuit changes. */
  readonly trouble: DeliveryTrouble;
  /** For the ingress: every answered webhook (refusals and dropped batch items are counted). */
  observeHook: (observation: { connector: string; status: number; hint?: string; droppedItems?: number }) => void;
  reloadFailed: (errors: readonly string[], dir: string) => void;
  /** For the engine's progress checks. */
  consumerChanged: (info: Omit<ConsumerInfo, 'process'>) => void;
  /** Publishes the rejection windows that have ended. */
  flush(): Promise<void>;
  start(): void;
  /** Publishes what is pending and waits for it. */
  stop(): Promise<void>;
}

/**
 * Publishes the hub's own trouble as events with `source: /hookhub`, into the same path as every
 * event. Loop protection: trouble caused by a job that a meta-event triggered (its dead letter, the
 * circuit change its attempt caused) publishes no meta-event, so a failing alert cannot alert about itself.
 */
export function createMetaPublisher(options: MetaPublisherOptions): MetaPublisher {
  const { now } = options;
  const processName = `${hostname()}:${process.pid}`;
  const windows = createRejectionWindows(options.rejectionWindowMs ?? 300_000);
  const stopping = new AbortController();
  const { publish, inFlight } = createTrackedPublish(options, stopping.signal);
  let timer: NodeJS.Timeout | undefined;
  const flush = async (): Promise<void> => void (await Promise.all(windows.due(now()).map(publishWindow)));
  const publishWindow = ({ connector, since, until, counts, hints }: ClosedWindow) =>
    publish(rejectionsEvent({ connector, since: since.toISOString(), until: until.toISOString(), counts, hints }, now()));

  const trouble = troubleMetaEvents(options, publish, processName);

  return {
    trouble,
    observeHook({ connector, status, hint, droppedItems }) {
      const refusal = status >= 400 ? { reason: rejectionReason(status), count: 1 } : undefined;
      const dropped = droppedItems !== undefined && droppedItems > 0 ? { reason: DROPPED_ITEM, count: droppedItems } : undefined;
      for (const { reason, count } of [refusal, dropped].flatMap((r) => r ?? [])) {
        const closed = windows.add(connector, reason, now(), hint, count);
        if (closed) void publishWindow(closed);
      }
    },
    reloadFailed: (errors, dir) => void publish(reloadFailedEvent(errors, dir, now())),
    consumerChanged: (info) => void publish(consumerEvent({ ...info, process: processName }, now())),
    flush,
    start() {
      timer ??= setInterval(() => void flush(), options.sweepMs ?? 5_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      for (const w of windows.due(now(), true)) void publishWindow(w);
      stopping.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * Publishes a meta-event and counts its outcome; a failure is retried (trouble often comes with a bus
 * that is briefly unreachable, and the id is fixed, so a retry never makes two), then logged, never
 * thrown. `inFlight` holds those not settled; `stopping` ends the waits.
 */
function createTrackedPublish(options: MetaPublisherOptions, stopping: AbortSignal) {
  const { logger } = options;
  const inFlight = new Set<Promise<void>>();
  const delays = options.publishRetryMs ?? [1_000, 5_000, 15_000, 30_000, 60_000];
  const publish = (event: HubEvent): Promise<void> => {
    const task = publishWithRetry(options.bus, event, delays, stopping).then(
      ({ duplicate }) => void options.metrics?.metaEvents.inc({ type: event.type, outcome: duplicate ? 'duplicate' : 'published' }),
      (err: unknown) => {
        // Never a reason to fail the work that noticed the trouble; the log and the metric still say it.
        options.metrics?.metaEvents.inc({ type: event.type, outcome: 'failed' });
        logger.warn({ err, type: event.type, id: event.id }, 'meta-event could not be published');
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    return task;
  };
  return { publish, inFlight };
}

async function publishWithRetry(bus: MetaPublisherOptions['bus'], event: HubEvent, delays: readonly number[], stopping: AbortSignal) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await bus.publish('events', { id: event.id, subject: event.type, payload: event });
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || stopping.aborted) throw error;
      await sleep(delay, undefined, { signal: stopping, ref: false }).catch(() => undefined);
    }
  }
}

/** The delivery workers' dead letters and circuit changes as meta-events, except for jobs a meta-event triggered. */
function troubleMetaEvents(
  options: MetaPublisherOptions,
  publish: (event: HubEvent) => Promise<void>,
  processName: string,
): DeliveryTrouble {
  const { logger, now } = options;
  const suppressed = (type: string, job: { id: string; eventType: string }): void => {
    options.metrics?.metaEvents.inc({ type, outcome: 'suppressed' });
    logger.warn(
      { type, job: job.id, trigger: job.eventType },
      'meta-event suppressed: the job was triggered by a meta-event (loop protection)',
    );
  };
  return {
    deadLettered({ job, reason, attempts, destination, time }) {
      if (isMetaEventType(job.eventType)) return suppressed('hookhub.job.dead_lettered', job);
      void publish(
        deadLetteredEvent(
          {
            jobId: job.id,
            eventId: job.eventId,
            eventType: job.eventType,
            rule: job.rule,
            action: job.action,
            destination,
            reason,
            attempts,
            time,
          },
          now(),
        ),
      );
    },
    circuitChanged({ destination, state, job }) {
      const type = state === 'open' ? 'hookhub.destination.circuit_opened' : 'hookhub.destination.circuit_closed';
      if (isMetaEventType(job.eventType)) return suppressed(type, job);
      void publish(circuitEvent({ destination, state, jobId: job.id, rule: job.rule, process: processName }, now()));
    },
  };
}
