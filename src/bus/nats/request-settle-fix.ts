/**
 * nats.js (@nats-io/nats-core 3.4) answers every successful request by resolving it and then calling
 * cancel(), which rejects the already resolved promise with a new RequestError: an Error, and its stack
 * trace, built and thrown away for each publish, read and KV write. On NATS that was 4% of a busy hub's
 * main thread end to end, 9% of the bus's own work per event.
 *
 * This replaces the success path of RequestOne.resolver with the same steps minus that Error (stop the
 * timer, resolve, leave the mux). Failures and timeouts still go through the library's own code.
 * test/unit/bus/nats/request-settle-fix.test.ts fails if a new nats.js changes the class it relies on.
 */
import type { Msg } from '@nats-io/nats-core';
import { RequestOne } from '@nats-io/nats-core/internal';

interface RequestOneInternals {
  resolver: (this: RequestOneInternals, err: Error | null, msg: Msg) => void;
  timer?: { cancel(): void };
  deferred: { resolve(msg: Msg): void };
  mux: { cancel(request: unknown): void };
}

const proto = RequestOne.prototype as unknown as RequestOneInternals;
const libraryResolver = proto.resolver;

proto.resolver = function resolve(this: RequestOneInternals, err: Error | null, msg: Msg): void {
  if (err) return libraryResolver.call(this, err, msg);
  this.timer?.cancel();
  this.deferred.resolve(msg);
  this.mux.cancel(this);
};
