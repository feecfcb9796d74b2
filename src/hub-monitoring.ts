import type { Logger } from 'pino';
import { createConsumerHealth, type ConsumerHealth, type ConsumerProbe } from './bus/consumer-health.ts';
import { openBusForHub } from './bus/create-bus.ts';
import type { EventBus } from './bus/event-bus.ts';
import type { ConnectionReport } from './bus/nats/nats-connection.ts';
import type { HubConfig } from './config/load-config.ts';
import type { HubOptions } from './hub.ts';
import { createMetaPublisher, type MetaPublisher } from './meta/meta-publisher.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import type { LiveSecrets } from './operations/live-secrets.ts';

/** The hub's bus and what watches the hub through it. */
export interface MonitoredBus {
  bus: EventBus;
  metrics: Metrics;
  meta: MetaPublisher;
  health: ConsumerHealth;
}

/**
 * Opens the bus (unless one is given), then starts the metrics, the meta-events and the consumer health.
 * What the bus reads of `bus.auth.credsFile` (its JWT and seed) goes to `liveSecrets`, to be masked.
 */
export async function openMonitoredBus(
  options: HubOptions,
  now: () => Date,
  liveSecrets?: Pick<LiveSecrets, 'add'>,
): Promise<MonitoredBus> {
  const { config, logger } = options;
  // Retention sweeps run inside the bus from its first open; once health exists they count as its `retention` loop.
  const retention: { probe?: ConsumerProbe } = {};
  const retentionReport = {
    swept: () => retention.probe?.progress(),
    failed: (error: unknown) =>
      retention.probe ? retention.probe.failure(error) : logger.error({ err: error }, 'retention sweep failed; retrying at the next one'),
  };
  const metrics = createMetrics();
  const connection = connectionReport(logger, metrics, liveSecrets);
  const bus = options.bus ?? (await openBusForHub(config.bus, logger, now, { retention: retentionReport, connection }));
  metrics.trackDlqDepth(() => bus.countDeadLetters());
  metrics.trackBusUnconfirmed(() => bus.unconfirmedMs?.() ?? 0);
  // The hub's own trouble as `source: /hookhub` events that rules route (docs/rules.md#meta-events-alerts-on-the-hubs-own-trouble).
  const meta = createMetaPublisher({ bus, logger, now, metrics });
  meta.start();
  const health = startHealth(config, { bus, logger, now, metrics, meta });
  retention.probe = health.probe('retention');
  return { bus, metrics, meta, health };
}

/**
 * A lost NATS connection is logged when it goes and when it is back, and counted (`hookhub_bus_reconnects_total`).
 * The JWT and seed the bus reads from `bus.auth.credsFile` go to `liveSecrets`, never to the log.
 */
export function connectionReport(logger: Logger, metrics: Metrics, liveSecrets?: Pick<LiveSecrets, 'add'>): ConnectionReport {
  return {
    credentialsRead: (secrets) => liveSecrets?.add(secrets),
    lost: (server) => logger.warn({ server }, 'lost the connection to NATS; reconnecting (webhooks are answered 503 until it is back)'),
    storesRecreated: (streams) =>
      logger.error({ streams }, 'NATS had lost streams of the hub (restarted without its storage?): created them again, empty'),
    consumerRecreated: (recreation) =>
      logger.warn(
        recreation,
        'a durable NATS consumer was gone (deleted by hand, or lost by NATS): created it again from the message after its last saved ack floor; messages it finished after that save are delivered again',
      ),
    gaveUp: (error) => {
      metrics.busReopens.inc();
      logger.error(
        { err: error.message },
        'NATS closed the connection for good; opening a new one (webhooks are answered 503 until it is open)',
      );
    },
    restored: (server, downMs) => {
      metrics.busReconnects.inc();
      logger.info({ server, downMs: Math.round(downMs) }, 'reconnected to NATS');
    },
  };
}

/** No consumer ends on an error; this is where their failures, progress and stalls show (/readyz, /metrics). */
function startHealth(config: HubConfig, parts: Omit<MonitoredBus, 'health'> & { logger: Logger; now: () => Date }): ConsumerHealth {
  const { bus, logger, now, metrics, meta } = parts;
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
  return health;
}
