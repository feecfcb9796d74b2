import type { BusConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import { createEmbeddedBus } from './embedded/embedded-bus.ts';
import type { Logger } from 'pino';
import type { EventBus, RetentionReport } from './event-bus.ts';
import { RetryingBus } from './retrying-bus.ts';
import { createNatsBus } from './nats/nats-bus.ts';
import { describeServers } from './nats/nats-connect-options.ts';
import type { ConnectionReport } from './nats/nats-connection.ts';

/** What the running hub is told by its bus: retention sweeps (both buses) and, on NATS, the connection's losses. */
export interface BusReports {
  retention?: RetentionReport;
  connection?: ConnectionReport;
}

/** Opens the configured backend. Both implement the same EventBus contract. */
export function createBus(config: BusConfig, now?: () => Date, reports: BusReports = {}): Promise<EventBus> {
  const common = { ...(now ? { now } : {}), ...(reports.retention ? { retentionReport: reports.retention } : {}) };
  if (config.type === 'nats') {
    const { url, auth, tls, retention, replicas } = config;
    const connectionReport = reports.connection ? { connectionReport: reports.connection } : {};
    return createNatsBus({ url, auth, tls, replicas, retentionMs: retention, ...common, ...connectionReport });
  }
  const syncTimeout = config.syncTimeout === undefined ? {} : { syncTimeoutMs: config.syncTimeout };
  return createEmbeddedBus({ path: config.path, retentionMs: config.retention, ...syncTimeout, ...common });
}

export function describeBus(config: BusConfig): string {
  return config.type === 'nats' ? `nats (${describeServers(config.url)})` : `embedded (${config.path})`;
}

/**
 * For the running hub: a bus that keeps retrying to open (read-only folder, full disk, NATS not up)
 * while the hub stays up answering 503, instead of exiting into a restart loop. Resolves after the first try.
 */
export async function openBusForHub(config: BusConfig, logger: Logger, now?: () => Date, reports?: BusReports): Promise<RetryingBus> {
  const open = () => createBus(config, now, reports);
  // Retrying cannot fix a setting the bus refuses (e.g. bus.replicas on a single NATS server): stop and say so.
  const bus = new RetryingBus({
    kind: config.type,
    open,
    logger,
    isFatal: (err) => err instanceof ConfigError,
    gaveUp: (error) => reports?.connection?.gaveUp?.(error),
  });
  await bus.firstAttempt;
  if (bus.fatal) {
    await bus.close();
    throw bus.fatal;
  }
  return bus;
}
