/**
 * Content claims (BusMessage.contentKey) on NATS. Where the publishing process also consumes the stream,
 * a claim goes out in the same socket write as the publish it guards, so a new webhook from a provider
 * that signs only the body costs one round trip, not two (elsewhere it is claimed first, nats-publish.ts).
 *
 * NATS 2.9 cannot make a publish depend on another subject, so the event may be stored before its
 * claim's answer says it is a replay (the body already claimed by another id). Such a message carries
 * CLAIM_HEADER, and a subscription hands it out only once the claim is confirmed for its id: from this
 * process's own answer (ClaimVerdicts) when it published the message, else by asking the bucket
 * (confirmClaim). The publisher also deletes a replay it stored, so `get(id)` does not find it.
 */
import type { KV } from '@nats-io/kv';
import type { Cork } from './nats-cork.ts';
import { Generations } from './generations.ts';
import { hasNatsCode, NatsErrorCodes } from './nats-error-codes.ts';

/** Marks a message stored before its content claim was confirmed; the value is the claim's key. */
export const CLAIM_HEADER = 'Hookhub-Content-Claim';

/** `first`: the body's first id (or a retry of it); `replay`: another id stored it before. */
export type ClaimVerdict = 'first' | 'replay';

/** The claims bucket, and whether an id's message is stored in the stream the claims are for. */
export interface ClaimStore {
  content: KV;
  cork: Cork;
  isStored: (id: string) => Promise<boolean>;
}

/**
 * Claims `key` for `id` (a create: expected revision 0). A key already held by the same id is a retry
 * of a publish that failed after the claim, so it is `first` too. So is a key held by an id that was
 * never stored: its publish failed after the claim (answered 503, or the process stopped), and the
 * provider's next try may come under a new delivery id (one made per request); turning it down would lose the event.
 */
export async function claimContent(store: ClaimStore, key: string, id: string): Promise<ClaimVerdict> {
  try {
    await store.cork(() => store.content.put(key, id, { previousSeq: 0 }));
    return 'first';
  } catch (err) {
    if (!hasNatsCode(err, NatsErrorCodes.StreamWrongLastSequence)) throw err;
  }
  const holder = await store.content.get(key);
  if (holder === null || holder.operation !== 'PUT' || holder.string() === id) return 'first';
  if (await store.isStored(holder.string())) return 'replay';
  try {
    await store.cork(() => store.content.update(key, id, holder.revision));
    return 'first';
  } catch (err) {
    if (!hasNatsCode(err, NatsErrorCodes.StreamWrongLastSequence, NatsErrorCodes.StreamWrongLastSequenceUnknown)) throw err;
  }
  // Another publisher of the same body took the key over meanwhile: the body is its id's now.
  const taker = await store.content.get(key);
  return taker !== null && taker.operation === 'PUT' && taker.string() !== id ? 'replay' : 'first';
}

/**
 * The verdict for a message that arrived with CLAIM_HEADER and no answer in this process: read the
 * holder first (the publisher's claim has almost always landed), and claim the key only when it is not
 * this message's (nobody holds it: the publisher stopped between its publish and its claim; or it is held
 * by an id never stored).
 */
export async function confirmClaim(store: ClaimStore, key: string, id: string): Promise<ClaimVerdict> {
  const holder = await store.cork(() => store.content.get(key));
  if (holder !== null && holder.operation === 'PUT' && holder.string() === id) return 'first';
  return claimContent(store, key, id);
}

/**
 * The answers to this process's own claims, for its subscriptions. A message that is never handed out
 * here (no rule wants it, or another process's router takes it) leaves its entry behind until its
 * generation is dropped; a subscription that finds none asks the bucket instead, which is always right,
 * only slower.
 */
export class ClaimVerdicts {
  readonly #answers = new Generations<string, Promise<ClaimVerdict | undefined>>(16_384);

  /** Registers a claim about to be sent; settle it with the answer, or undefined when there was none. */
  expect(key: string, id: string): (verdict: ClaimVerdict | undefined) => void {
    let settle!: (verdict: ClaimVerdict | undefined) => void;
    this.#answers.set(`${key} ${id}`, new Promise((resolve) => (settle = resolve)));
    return settle;
  }

  /** This process's answer for the claim, once; undefined when it did not send it (or forgot it). */
  take(key: string, id: string): Promise<ClaimVerdict | undefined> | undefined {
    const entry = `${key} ${id}`;
    const answer = this.#answers.get(entry);
    this.#answers.delete(entry);
    return answer;
  }
}
