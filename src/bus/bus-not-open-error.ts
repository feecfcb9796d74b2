import type { FailureReason } from './consumer-failure.ts';

/**
 * A call made while the bus has not opened yet (RetryingBus: a read-only folder, NATS refusing or away).
 * It is the store's or NATS's fault, never a message's: consumers and loops wait for the bus as in any outage.
 */
export class BusNotOpenError extends Error {
  override name = 'BusNotOpenError';

  constructor(
    message: string,
    /** `storage_down` for the embedded bus, `bus_unreachable` for NATS. */
    readonly reason: Exclude<FailureReason, 'message' | 'storage_busy'>,
  ) {
    super(message);
  }
}
