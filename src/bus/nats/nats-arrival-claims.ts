import type { JsMsg } from '@nats-io/jetstream';
import type { ConsumeOptions, Delivery } from '../event-bus.ts';
import { confirmClaim } from './nats-claims.ts';
import type { SubscriptionDeps } from './nats-subscription.ts';

export interface Arrival<T> {
  msg: JsMsg;
  delivery: Delivery<T>;
  /** CLAIM_HEADER: the message was stored before its content claim was confirmed. */
  claim: string | undefined;
}

/** A message whose content claim could not be read comes back after this long. */
const CLAIM_RETRY_MS = 1_000;

/**
 * Undefined when the message needs no check; otherwise whether its content claim is its own. A replay
 * (the body stored before under another id) is acked and never handed out; when the claim cannot be
 * read, the message comes back later.
 */
export function confirmArrival<T>(
  deps: Pick<SubscriptionDeps, 'content' | 'cork' | 'isStored' | 'verdicts'>,
  options: ConsumeOptions,
  { delivery, claim }: Arrival<T>,
): Promise<boolean> | undefined {
  if (claim === undefined) return undefined;
  const answer = deps.verdicts.take(claim, delivery.id) ?? Promise.resolve(undefined);
  return answer
    .then((known) => known ?? confirmClaim({ content: deps.content, cork: deps.cork, isStored: deps.isStored }, claim, delivery.id))
    .then(
      async (verdict) => {
        if (verdict === 'first') return true;
        await delivery.ack();
        options.onSkipped?.(1);
        return false;
      },
      async (error: unknown) => {
        options.onError?.(error);
        await delivery.nak(CLAIM_RETRY_MS).catch(() => undefined);
        return false;
      },
    )
    .catch((error: unknown) => {
      options.onError?.(error);
      return false;
    });
}
