import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { RetentionReport } from '../event-bus.ts';
import type { NatsEndpoint } from './nats-connect-options.ts';
import { createConnectionState, type ConnectionReport } from './nats-connection.ts';
import { explainConnectError } from './nats-connect-error.ts';
import type { ConsumerRecreation } from './nats-consumer-floors.ts';
import { consumerStepDown } from './nats-consumer-handover.ts';
import { NatsBus } from './nats-event-bus.ts';
import { createNatsNames } from './nats-names.ts';
import { ensureNatsStores, storeStreams } from './nats-setup.ts';
import { createStoreRepair } from './nats-store-repair.ts';

export { NatsBus } from './nats-event-bus.ts';

export interface NatsBusOptions extends NatsEndpoint {
  /** How long finished events and jobs, and history records, are kept. Default 7 days. Dead letters stay until retried or purged. */
  retentionMs?: number;
  /** How often the events and jobs streams are swept (nats-retention.ts). Default 1 min. */
  pruneEveryMs?: number;
  /** Told about each retention sweep (the hub counts failures in its consumer metrics). */
  retentionReport?: RetentionReport;
  /** Told when the connection is lost and back (the hub logs it and counts reconnects). */
  connectionReport?: ConnectionReport;
  /** How long a message id is remembered for dedup. Default 24 h; events and jobs are kept at least this long (the stream is the index). */
  dedupHorizonMs?: number;
  /** Connection name shown by the server (`nats server report connections`). */
  name?: string;
  /** Names streams `<PREFIX>_EVENTS`… and buckets `<prefix>_dedup`…, to run isolated deployments on one server. Default `hookhub`. */
  prefix?: string;
  /** Copies of every stream and KV bucket (bus.replicas); above 1 needs a JetStream cluster. Default 1. */
  replicas?: number;
  /** Upper bound for each JetStream call; publish rejects after it when NATS is down. Default 3 s. */
  timeoutMs?: number;
  /**
   * How soon a delivery lost on its way (its consumer's leader died with a cluster node) is sent again:
   * the consumers' ack wait on the server, while each subscription keeps what it holds alive. Default 10 s.
   */
  lostDeliveryMs?: number;
  /** Reconnect attempts per server before the client gives the connection up (the hub then opens a new one). Default -1: for ever. */
  maxReconnectAttempts?: number;
  /** Accepted for parity with the embedded bus; stored times come from the NATS server's clock. */
  now?: () => Date;
}

const DAY_MS = 24 * 60 * 60_000;

/** Connects, creates or reconciles streams and buckets, and returns a ready bus. */
export async function createNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const names = createNatsNames(options.prefix);
  const retentionMs = options.retentionMs ?? 7 * DAY_MS;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const limits = { maxReconnectAttempts: options.maxReconnectAttempts };
  const connection = await createConnectionState(options, options.name ?? 'hookhub', options.connectionReport, limits).catch(
    (err: unknown) => {
      throw explainConnectError(err, options);
    },
  );
  try {
    const js = jetstream(connection.nc, { timeout: timeoutMs });
    const jsm = await jetstreamManager(connection.nc, { timeout: timeoutMs });
    const idHorizonMs = Math.max(options.dedupHorizonMs ?? DAY_MS, retentionMs);
    const replicas = options.replicas ?? 1;
    const limits = { retentionMs, idHorizonMs, timeoutMs, replicas };
    const ensure = () => ensureNatsStores(js, jsm, names, limits, consumerStepDown(connection.nc, timeoutMs));
    const stores = await ensure();
    const report = options.connectionReport;
    const recreated = (streams: string[]) => report?.storesRecreated?.(streams);
    const repair = createStoreRepair({ jsm, streams: storeStreams(names), ensure, recreated });
    const consumerRecreated = (recreation: ConsumerRecreation) => report?.consumerRecreated?.(recreation);
    const bus = new NatsBus(connection, js, jsm, stores, names, timeoutMs, replicas, options.lostDeliveryMs, repair, consumerRecreated);
    // Finished messages stay for the id horizon too: their subjects are the dedup index.
    const retention = { messagesMs: idHorizonMs, recordsMs: retentionMs };
    bus.startRetention(retention, options.pruneEveryMs ?? 60_000, options.retentionReport);
    return bus;
  } catch (err) {
    await connection.close();
    throw explainConnectError(err, options);
  }
}
