/**
 * JetStream API error codes hookhub acts on (nats-server's errors.json), beyond those nats.js names in
 * JetStreamApiCodes. Errors are told apart by code, never by their message.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

export const NatsErrorCodes = {
  ...JetStreamApiCodes,
  /** JSClusterNoPeersErrF: no suitable peers for placement (fewer servers than replicas). */
  NoSuitablePeers: 10005,
  /** JSInsufficientResourcesErr. */
  InsufficientResources: 10023,
  /** JSStreamMsgDeleteFailedF: deleting a sequence that is not there (any more), at the stream's start or past its end. */
  MessageDeleteFailed: 10057,
  /** JSSequenceNotFoundErrF: deleting a sequence that is not there any more, in the middle of the stream. */
  SequenceNotFound: 10043,
  /** JSStreamReplicasNotSupportedErr: replicas > 1 on a server that is not clustered. */
  ReplicasNotSupported: 10074,
} as const;

/** What deleting a message by its sequence answers when that message is gone: which depends on where it was. */
export const MESSAGE_GONE = [NatsErrorCodes.MessageDeleteFailed, NatsErrorCodes.SequenceNotFound] as const;

export function hasNatsCode(error: unknown, ...codes: readonly number[]): error is JetStreamApiError {
  return error instanceof JetStreamApiError && codes.includes(error.code);
}
