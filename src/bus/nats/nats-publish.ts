import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { nuid } from '@nats-io/transport-node';
import { PayloadError } from '../../errors.ts';
import type { BusMessage, PublishOptions, PublishResult, StreamName } from '../event-bus.ts';
import { encodeEnvelope } from './nats-envelope.ts';
import { hashKey, type NatsNames } from './nats-names.ts';

/** What the dedup bucket remembers per `(stream, id)`: where the message lives, for get(). */
export interface IdEntry {
  seq: number;
}

export interface PublishDeps {
  js: JetStreamClient;
  dedup: KV;
  names: NatsNames;
  timeoutMs: number;
  /** Why NATS is unreachable right now, or undefined. Publishing then fails fast. */
  problem(): string | undefined;
  /** The server's max_payload (1 MB by default). */
  maxPayload(): number;
}

export function idKey(stream: StreamName, id: string): string {
  return hashKey(`${stream}:${id}`);
}

/**
 * Publishes durably with a 24 h+ dedup horizon, without a 24 h JetStream duplicate_window:
 * 1. the dedup KV says the id was stored → duplicate;
 * 2. otherwise publish with Nats-Msg-Id = hash of the id, which catches concurrent publishes of one id
 *    inside the stream's 2-minute duplicate_window (PubAck.duplicate);
 * 3. then record the id (and its seq) in KV. A crash between 2 and 3 can only cause a later duplicate,
 *    never the loss of an acknowledged message.
 * Resolves only after the PubAck. `replay` skips 1 and uses a fresh msg id; get() then finds the new copy.
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
  const key = idKey(stream, message.id);
  const known = await guard(deps.dedup.get(key), 'dedup lookup');
  if (!options.replay && known !== null && known.operation === 'PUT') return { duplicate: true };
  // Header-safe msg ids: the id's hash, or a fresh one for a deliberate replay.
  const msgID = options.replay ? `replay-${nuid.next()}` : key;
  const ack = await guard(
    deps.js.publish(deps.names.subject(stream, message.subject), body, {
      msgID,
      timeout: deps.timeoutMs,
      expect: { streamName: deps.names.stream(stream) },
    }),
    'publish',
  );
  // A duplicate PubAck carries the original's seq. Recording it heals an id whose first publish
  // was stored but never confirmed (e.g. sent from the client buffer after a reconnect).
  if (ack.duplicate && known !== null) return { duplicate: true };
  // After a replay the id points at the newest copy, which is what get() returns.
  const entry: IdEntry = { seq: ack.seq };
  await guard(deps.dedup.put(key, JSON.stringify(entry)), 'dedup record');
  return { duplicate: ack.duplicate };
}

async function guard<T>(work: Promise<T>, what: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`NATS bus ${what} failed, message not confirmed: ${reason}`, { cause: err });
  }
}
