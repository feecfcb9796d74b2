import { BusNotOpenError } from './bus-not-open-error.ts';
import { isStorageBusy, isStorageFailure } from './embedded/storage-error.ts';

/** Why a consumer could not make progress, as counted in `hookhub_consumer_errors_total{reason}`. */
export type FailureReason = 'storage_busy' | 'storage_down' | 'bus_unreachable' | 'message';

// nats.js names its error classes (@nats-io/nats-core errors.js, @nats-io/jetstream jserrors.js): these mean
// the server could not be asked, or JetStream could not answer (no leader yet, the consumer or stream vanished,
// a pull whose heartbeats stopped: JetStreamError; no responders for a stream: JetStreamNotEnabled), and the
// NATS bus's own NatsUnavailableError.
const UNREACHABLE = new Set([
  'ConnectionError',
  'JetStreamError',
  'JetStreamNotEnabled',
  'NatsUnavailableError',
  'TimeoutError',
  'NoRespondersError',
  'RequestError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'JetStreamStatusError',
  'ConsumerNotFoundError',
  'StreamNotFoundError',
]);

/** JSStreamStoreFailedF: nats-server could not store the message, as for one over its size limit. */
const STORE_FAILED = 10077;

/**
 * Classifies a failure met while consuming: the store or the bus (everything waits until it is back)
 * or one message (a bug or bad data: retried a bounded number of times, then set aside).
 */
export function classifyFailure(error: unknown): FailureReason {
  if (error instanceof BusNotOpenError) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  if (isStorageBusy(error)) return 'storage_busy';
  if (isStorageFailure(error)) return 'storage_down';
  const name = error instanceof Error ? error.name : '';
  if (UNREACHABLE.has(name) || code === 'ECONNREFUSED' || code === 'ECONNRESET') return 'bus_unreachable';
  // A JetStream API answer with status 503: the stream has no leader yet (10008, during an election) or the
  // servers are out of resources (10023). Neither is the message's fault. But not "store failed" (10077),
  // which a message over the store's size limit gets every time.
  const api = error as { status?: unknown; code?: unknown };
  if (name === 'JetStreamApiError' && api.status === 503 && api.code !== STORE_FAILED) return 'bus_unreachable';
  return 'message';
}

/** Whether the failure is the store's or the bus's, not the message's: retry it without counting against the message. */
export function isInfrastructure(reason: FailureReason): boolean {
  return reason !== 'message';
}

/** Capped exponential back-off: base, 2x, 4x … up to 30x base (and at most 30 s). */
export function failureBackoffMs(failures: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, failures - 1), baseMs * 30, 30_000);
}

/** A failure's class in words, for logs and /readyz. */
export function describeFailure(reason: FailureReason): string {
  switch (reason) {
    case 'storage_busy':
      return 'the data file is locked by another process (storage busy)';
    case 'storage_down':
      return 'the data file cannot be written (storage down)';
    case 'bus_unreachable':
      return 'NATS cannot be reached (bus unreachable)';
    default:
      return 'a message could not be handled';
  }
}
