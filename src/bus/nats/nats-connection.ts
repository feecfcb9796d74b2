import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ConsumerRecreation } from './nats-consumer-floors.ts';
import { connectionOptions, describeServers, type NatsEndpoint } from './nats-connect-options.ts';
import { leastRecentlyDialed } from './nats-reconnect-target.ts';
import './request-settle-fix.ts';
import './stale-close-fix.ts';

/**
 * Told when the connection to NATS is lost and when it is back (the hub logs both and counts
 * reconnects): `server` is the host:port the client was on, never a credential.
 */
export interface ConnectionReport {
  lost(server: string): void;
  restored(server: string, downMs: number): void;
  /** NATS closed the connection for good: the hub opens a new one. */
  gaveUp?(error: Error): void;
  /** NATS had lost these streams (a server restarted without its storage): the bus created them again, empty. */
  storesRecreated?(streams: string[]): void;
  /** A durable consumer NATS no longer had was created again, after the ack floor it last saved. */
  consumerRecreated?(recreation: ConsumerRecreation): void;
  /** Given the JWT and NKey seed read from `bus.auth.credsFile`, never to log: the hub masks them in attempt records. */
  credentialsRead?(secrets: readonly string[]): void;
}

/** Connection health as seen through the client's status events. */
export interface ConnectionState {
  readonly nc: NatsConnection;
  /** undefined while connected, otherwise why not. */
  problem(): string | undefined;
  /**
   * Settles, with why, if the client closes the connection for good without close() being called (it gave up
   * after repeated authorization errors, or after `maxReconnectAttempts`): only a new connection helps then.
   */
  gaveUp(): Promise<Error>;
  close(): Promise<void>;
}

export interface ConnectionLimits {
  /** Reconnect attempts per server before the client closes the connection for good. Default -1: for ever. */
  maxReconnectAttempts?: number | undefined;
}

/**
 * A server that stops answering with its socket open (a frozen VM, a partition, a long pause) is noticed
 * only by pings: nats.js sends one every PING_INTERVAL_MS and reconnects once MAX_PINGS_OUT in a row have
 * no answer. Any answer clears the count (nats-core heartbeats.js), and a pong waits only behind what the
 * server sends before it on this connection, so a busy but healthy server would have to leave a ping
 * unanswered for 3 s to be taken for frozen. A frozen one is left 3 to 4 s after it froze. With a 10 s
 * interval and 2 pings out it took 20 to 30 s, and every request, pull and keep-alive failed meanwhile.
 */
const PING_INTERVAL_MS = 1_000;
const MAX_PINGS_OUT = 3;

/**
 * Connects with reconnect-forever, so a hub survives a NATS restart without restarting itself.
 * https://github.com/nats-io/nats.js/blob/main/core/README.md#reconnecting
 */
export async function createConnectionState(
  endpoint: NatsEndpoint,
  name: string,
  report?: ConnectionReport,
  limits: ConnectionLimits = {},
): Promise<ConnectionState> {
  // Problems are shown on /readyz and logged: name the servers without any credentials.
  const url = describeServers(endpoint.url);
  const nc = await connect({
    ...(await connectionOptions(endpoint, (secrets) => report?.credentialsRead?.(secrets))),
    name,
    maxReconnectAttempts: limits.maxReconnectAttempts ?? -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: PING_INTERVAL_MS,
    maxPingOut: MAX_PINGS_OUT,
    reconnectToServer: leastRecentlyDialed,
    timeout: 5_000,
    // Capturing a stack for every request (each publish, ack and read) cost ~8% of a busy hub's CPU;
    // our errors say which operation failed without it.
    noAsyncTraces: true,
  });
  const status = watchStatus(nc, url, report);
  let closing = false;
  const gaveUp = nc
    .closed()
    .then((error) =>
      closing
        ? new Promise<never>(() => undefined)
        : new Error(`NATS closed the connection to ${url} for good (${error?.message ?? 'no reason given'})`),
    );
  return {
    nc,
    problem: () => (nc.isClosed() ? 'NATS connection closed' : status.problem()),
    gaveUp: () => gaveUp,
    async close() {
      closing = true;
      if (!nc.isClosed()) {
        // drain() waits for the server; when it is unreachable, close() is the bounded option.
        await (status.problem() === undefined ? nc.drain().catch(() => nc.close()) : nc.close());
      }
      await nc.closed();
      await status.watching.catch(() => undefined);
    },
  };
}

/**
 * Follows the client's status events from now on: why the connection is down (undefined while connected),
 * with each loss and recovery told to `report`.
 */
function watchStatus(
  nc: NatsConnection,
  url: string,
  report?: ConnectionReport,
): { problem(): string | undefined; watching: Promise<void> } {
  let problem: string | undefined;
  let downSince: number | undefined;
  const watching = (async () => {
    // An iterator, not a callback: nats.js status events are consumed in order.
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        problem = `disconnected from NATS at ${url}`;
        if (downSince === undefined) report?.lost(status.server);
        downSince ??= performance.now();
      } else if (status.type === 'reconnecting') problem = `reconnecting to NATS at ${url}`;
      else if (status.type === 'reconnect') {
        problem = undefined;
        report?.restored(status.server, downSince === undefined ? 0 : performance.now() - downSince);
        downSince = undefined;
      } else if (status.type === 'close') problem = 'NATS connection closed';
    }
  })();
  return { problem: () => problem, watching };
}
