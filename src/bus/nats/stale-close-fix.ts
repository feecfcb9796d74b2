/**
 * nats.js (@nats-io/transport-node 3.4) leaves a connection it found stale (its pings went unanswered) by
 * writing an empty frame first and waiting for that write to complete, so that what was queued goes out,
 * and only then closes the socket and reconnects. A server that froze with its socket open (a stopped VM, a
 * partition) reads nothing: once a busy connection has filled the socket's buffers, that write never
 * completes, the transport never says it closed, and the client never reconnects while the server stays
 * frozen. The nats.java client had the same defect (nats-io/nats.java#1056, no timeout on socket write).
 *
 * This gives the flush FLUSH_MS, then closes as the library does without it. Only the library's internal
 * disconnect goes through here (a stale connection, a forced reconnect, an authentication error), never
 * close() or drain().
 */
import { NodeTransport } from '@nats-io/transport-node/lib/node_transport.js';

/** A server that reads anything at all takes a queued write within this. */
const FLUSH_MS = 500;

NodeTransport.prototype.disconnect = function disconnect(this: NodeTransport): void {
  let timer: NodeJS.Timeout | undefined;
  const bounded = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_MS)));
  void Promise.race([this._send(new Uint8Array(0)).catch(() => undefined), bounded])
    .finally(() => clearTimeout(timer))
    .then(() => this.close())
    .catch(() => undefined);
};
