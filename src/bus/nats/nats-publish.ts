import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { nuid } from '@nats-io/transport-node';
import { PayloadError } from '../../errors.ts';
import type { BusMessage, PublishOptions, PublishResult, StreamName } from '../event-bus.ts';
import type { Cork } from './nats-cork.ts';
import { encodeEnvelope } from './nats-envelope.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { seenInLegacyIndex } from './nats-legacy-index.ts';
import { hashKey, idToken, type NatsNames } from './nats-names.ts';

export interface PublishDeps {
  js: JetStreamClient;
  names: NatsNames;
  timeoutMs: number;
  /** Content keys claimed by the id that first published them (BusMessage.contentKey). */
  content: KV;
  /** The id index of an older release, consulted while it still has entries; undefined once gone. */
  legacy: KV | undefined;
  /** Why NATS is unreachable right now, or undefined. Publishing then fails fast. */
  problem(): string | undefined;
  /** The server's max_payload (1 MB by default). */
  maxPayload(): number;
  /** Batches the requests of one event-loop turn into one socket write. */
  cork: Cork;
}

/**
 * Publishes durably with a dedup horizon of 24 h or more, in one round trip for a new message:
 * each id has its own subject (NatsNames.subject), published with `Nats-Expected-Last-Subject-Sequence: 0`,
 * so the server itself refuses a second copy of an id it still stores ("wrong last sequence"):
 * the stream is its own dedup index, and retention keeps every message for the dedup horizon.
 * `Nats-Msg-Id` (the id token) makes a retried publish whose first PubAck was lost answer as a
 * duplicate too. A replay skips both and stores a newer copy, which get() then returns.
 * Resolves only after the PubAck.
 */
export async function publishMessage(
  deps: PublishDeps,
  stream: StreamName,
  message: BusMessage,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const down = deps.problem();
  if (down !== undefined) throw new Error(`NATS bus unavailable, message not stored: ${down}`);
  const body = encodeEnvelope(message);
  if (body.length > deps.maxPayload()) {
    // Retrying cannot help: say which server setting to raise.
    throw new PayloadError(
      `message of ${body.length} bytes exceeds the NATS server max_payload (${deps.maxPayload()} bytes); raise max_payload in the nats-server config`,
    );
  }
  if (!options.replay && (await seenBefore(deps, stream, message))) return { duplicate: true };
  const subject = deps.names.subject(stream, message.id, message.subject);
  const expect = { streamName: deps.names.stream(stream) };
  const send = deps.cork(() =>
    options.replay
      ? deps.js.publish(subject, body, { msgID: `replay-${nuid.next()}`, timeout: deps.timeoutMs, expect })
      : deps.js.publish(subject, body, {
          msgID: idToken(message.id),
          timeout: deps.timeoutMs,
          expect: { ...expect, lastSubjectSequence: 0 },
        }),
  );
  const ack = await guard(send, 'publish').catch(duplicateIfStored);
  return { duplicate: ack === 'stored' || ack.duplicate };
}

function duplicateIfStored(err: unknown): 'stored' {
  if (err instanceof Error && hasNatsCode(err.cause, NatsErrorCodes.StreamWrongLastSequence)) return 'stored';
  throw err;
}

/** Checks that cost a round trip only where they apply: an older release's index, and content keys. */
async function seenBefore(deps: PublishDeps, stream: StreamName, message: BusMessage): Promise<boolean> {
  if (deps.legacy !== undefined && (await guard(seenInLegacyIndex(deps.legacy, stream, message.id), 'dedup lookup'))) return true;
  if (message.contentKey === undefined) return false;
  return guard(contentClaimedByOther(deps, `${stream}:${message.contentKey}`, message.id), 'content claim');
}

/**
 * Claims a content key for this id (a create: expected revision 0). The key already held by the same
 * id is a retry of a publish that failed after the claim, so it goes on; held by another id, the
 * content was stored before under that id: a replay under a new id.
 */
async function contentClaimedByOther(
  { content, cork }: Pick<PublishDeps, 'content' | 'cork'>,
  contentKey: string,
  id: string,
): Promise<boolean> {
  const key = hashKey(contentKey);
  try {
    await cork(() => content.put(key, id, { previousSeq: 0 }));
    return false;
  } catch (err) {
    if (!hasNatsCode(err, NatsErrorCodes.StreamWrongLastSequence)) throw err;
  }
  const holder = await content.get(key);
  return holder !== null && holder.operation === 'PUT' && holder.string() !== id;
}

async function guard<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`NATS bus ${what} failed, message not confirmed: ${reason}`, { cause: err });
  }
}
