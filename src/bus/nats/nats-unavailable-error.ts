/**
 * NATS could not store or confirm a write in time (disconnected, or no stream leader answering): the
 * bus's fault, not the message's, so a consumer waits for it however long it takes (consumer-failure.ts).
 */
export class NatsUnavailableError extends Error {
  override name = 'NatsUnavailableError';
}
