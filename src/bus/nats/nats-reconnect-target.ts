/**
 * Which server a reconnect dials first: the one dialed least recently, so never the one just left while
 * the list has another. nats.js's own rotation dials the server it was connected to first again after a
 * connection made on the first try. A server that died refuses that at once, but a frozen one (a stopped
 * VM, a partition) still has its port accepted by the kernel and answers nothing, so the dial waited out
 * the whole connect timeout (5 s) before the next server was tried.
 * https://github.com/nats-io/nats.js/blob/main/core/README.md#reconnecting
 */
import type { Server } from '@nats-io/transport-node';

/** A `reconnectToServer` handler: ties (servers never dialed) keep the client's order, so the list stays shuffled. */
export function leastRecentlyDialed(pool: ReadonlyArray<Server>): Server | null {
  let pick: Server | undefined;
  for (const server of pool) if (pick === undefined || server.lastConnect < pick.lastConnect) pick = server;
  return pick ?? null;
}
