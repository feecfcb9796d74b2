import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { headers, nuid } from '@nats-io/transport-node';
import { PayloadError } from '../../errors.ts';
import type { BusMessage, PublishOptions, PublishResult, StreamName } from '../event-bus.ts';
import { CLAIM_HEADER, claimContent, type ClaimStore, type ClaimVerdict, type ClaimVerdicts } from './nats-claims.ts';
import type { Cork } from './nats-cork.ts';
import { retryWithin, withDeadline } from './nats-deadline.ts';
import { encodeEnvelope, HEAD_HEADER, headHeaderValue } from './nats-envelope.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';
import { seenInLegacyIndex } from './nats-legacy-index.ts';
import { NatsUnavailableError } from './nats-unavailable-error.ts';
import { hashKey, idToken, type NatsNames } from './nats-names.ts';
import { getMessage } from './nats-query.ts';

export interface PublishDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: NatsNames;
  timeoutMs: number;
  /** Content keys claimed by the id that first published them (BusMessage.contentKey). */
  content: KV;
  /** This process's claim answers, for its own subscriptions (nats-claims.ts). */
  verdicts: ClaimVerdicts;
  /** Whether this process consumes `stream`: only then does a claim go out with its publish. */
  consumedHere(stream: StreamName): boolean;
  /** The id index of an older release, consulted while it still has entries; undefined once gone. */
  legacy: KV | undefined;
  /** Why NATS is unreachable right now, or undefined. Publishing then fails fast. */
  problem(): string | undefined;
  /** The server's max_payload (1 MB by default). */
  maxPayload(): number;
  /** Batches the requests of one event-loop turn into one socket write. */
  cork: Cork;
}

/** publishMessage, tried again while NATS is connected, within one deadline of `timeoutMs` for the whole publish. */
export function publishWithinDeadline(
  deps: PublishDeps,
  stream: StreamName,
  message: BusMessage,
  options?: PublishOptions,
): Promise<PublishResult> {
  // Publishing again is safe (dedup by id). Not while disconnected: that fails fast into a 503.
  const retryable = (err: unknown) => !(err instanceof PayloadError) && deps.problem() === undefined;
  const attempt = () => publishMessage(deps, stream, message, options);
  // One bound for the whole publish, so a request answers 503 in time instead of waiting out each step.
  return withDeadline(retryWithin(attempt, deps.timeoutMs, retryable), deps.timeoutMs, 'publish');
}

/**
 * Publishes durably with a dedup horizon of 24 h or more, in one round trip for a new message:
 * each id has its own subject (NatsNames.subject), published with `Nats-Expected-Last-Subject-Sequence: 0`,
 * so the server itself refuses a second copy of an id it still stores ("wrong last sequence"):
 * the stream is its own dedup index, and retention keeps every message for the dedup horizon.
 * `Nats-Msg-Id` (the id token) makes a retried publish whose first PubAck was lost answer as a
 * duplicate too. A message with a content key also claims it, in the same socket write when this process
 * consumes the stream, else first (nats-claims.ts).
 * A replay skips all of it and stores a newer copy, which get() then returns. Resolves only after the PubAck.
 */
export async function publishMessage(
  deps: PublishDeps,
  stream: StreamName,
  message: BusMessage,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const body = encodeWithinLimits(deps, message);
  if (options.replay) return publishReplay(deps, stream, message, body);
  if (deps.legacy !== undefined && (await guard(seenInLegacyIndex(deps.legacy, stream, message.id), 'dedup lookup')))
    return { duplicate: true };
  const claimKey = message.contentKey === undefined ? undefined : hashKey(`${stream}:${message.contentKey}`);
  if (claimKey !== undefined && !deps.consumedHere(stream)) {
    // No subscription in this process would know the claim's answer, so each would ask NATS: claim first.
    if ((await guard(claimContent(claimStore(deps, stream), claimKey, message.id), 'content claim')) === 'replay')
      return { duplicate: true };
    const ack = await storeNew(deps, stream, message, body);
    return { duplicate: ack === 'stored' || ack.duplicate };
  }
  const claim = claimKey === undefined ? undefined : startClaim(deps, stream, claimKey, message.id);
  const [ack, verdict] = await Promise.all([storeNew(deps, stream, message, body, claimKey), claim?.catch(() => undefined)]);
  if (ack === 'stored' || ack.duplicate) return { duplicate: true };
  // Stored, though the claim had no answer: subscriptions confirm the claim before handing it out.
  if (verdict !== 'replay') return { duplicate: false };
  await forgetReplay(deps, deps.names.stream(stream), ack);
  return { duplicate: true };
}

/** The message's envelope, once NATS is reachable and the envelope fits the server's max_payload. */
function encodeWithinLimits(deps: PublishDeps, message: BusMessage): Uint8Array {
  const down = deps.problem();
  if (down !== undefined) throw new NatsUnavailableError(`NATS bus unavailable, message not stored: ${down}`);
  const body = encodeEnvelope(message);
  if (body.length > deps.maxPayload()) {
    // Retrying cannot help: say which server setting to raise.
    throw new PayloadError(
      `message of ${body.length} bytes exceeds the NATS server max_payload (${deps.maxPayload()} bytes); raise max_payload in the nats-server config`,
    );
  }
  return body;
}

/** Stores a replay as a newer copy, with a fresh msgID so that dedup lets it through. */
async function publishReplay(deps: PublishDeps, stream: StreamName, message: BusMessage, body: Uint8Array): Promise<PublishResult> {
  const subject = deps.names.subject(stream, message.id, message.subject);
  const expect = { streamName: deps.names.stream(stream) };
  const h = messageHeaders(stream, message);
  const ack = await guard(
    deps.cork(() =>
      deps.js.publish(subject, body, { msgID: `replay-${nuid.next()}`, timeout: deps.timeoutMs, expect, ...(h ? { headers: h } : {}) }),
    ),
    'publish',
  );
  return { duplicate: ack.duplicate };
}

/** Publishes on the id's own subject, expecting none there yet; 'stored' when the id is already stored. */
function storeNew(
  deps: PublishDeps,
  stream: StreamName,
  message: BusMessage,
  body: Uint8Array,
  claimKey?: string,
): Promise<PubAck | 'stored'> {
  const h = messageHeaders(stream, message, claimKey);
  const publishing = deps.cork(() =>
    deps.js.publish(deps.names.subject(stream, message.id, message.subject), body, {
      msgID: idToken(message.id),
      timeout: deps.timeoutMs,
      expect: { streamName: deps.names.stream(stream), lastSubjectSequence: 0 },
      ...(h ? { headers: h } : {}),
    }),
  );
  return guard(publishing, 'publish').catch(duplicateIfStored);
}

/** Sends the claim in this turn's write and tells this process's subscriptions its answer. */
function startClaim(deps: PublishDeps, stream: StreamName, key: string, id: string): Promise<ClaimVerdict> {
  const settle = deps.verdicts.expect(key, id);
  const answer = claimContent(claimStore(deps, stream), key, id);
  answer.then(settle, () => settle(undefined));
  return answer;
}

function claimStore(deps: PublishDeps, stream: StreamName): ClaimStore {
  const isStored = async (id: string) => (await getMessage(deps, stream, id)) !== undefined;
  return { content: deps.content, cork: deps.cork, isStored };
}

/** An event's head (nats-envelope.ts), and the content claim when there is one. */
function messageHeaders(stream: StreamName, message: BusMessage, claimKey?: string) {
  if (stream !== 'events' && claimKey === undefined) return undefined;
  const h = headers();
  if (claimKey !== undefined) h.set(CLAIM_HEADER, claimKey);
  if (stream === 'events') h.set(HEAD_HEADER, headHeaderValue(message));
  return h;
}

/**
 * A replay was stored before its claim's answer came: delete it, so get(id) does not find it. Its
 * subscriptions turn it down whatever happens here, so a failed delete only leaves it in history.
 */
async function forgetReplay(deps: PublishDeps, stream: string, ack: PubAck): Promise<void> {
  await deps.jsm.streams.deleteMessage(stream, ack.seq, false).catch(() => undefined);
}

function duplicateIfStored(err: unknown): 'stored' {
  if (err instanceof Error && hasNatsCode(err.cause, NatsErrorCodes.StreamWrongLastSequence)) return 'stored';
  throw err;
}

async function guard<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw new NatsUnavailableError(`NATS bus ${what} failed, message not confirmed: ${reasonOf(err)}`, { cause: err });
  }
}

/**
 * nats.js words a request nobody answered (no responders) as "jetstream is not enabled"; for a hub that
 * opened its streams, that is a stream with no leader (an election) or a stream gone, far likelier than a
 * server without JetStream.
 */
function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name !== 'JetStreamNotEnabled') return err.message;
  return 'no JetStream server answered for the stream (a leader election under way, or the stream was deleted; or JetStream is off on the server)';
}
