import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { failureBackoffMs } from '../consumer-failure.ts';
import type { KV } from '@nats-io/kv';
import { DEFAULT_ACK_WAIT_MS, type ConsumeOptions, type Delivery, type PendingWork, type Subscription } from '../event-bus.ts';
import { confirmArrival, type Arrival } from './nats-arrival-claims.ts';
import { CLAIM_HEADER, type ClaimVerdicts } from './nats-claims.ts';
import type { Cork } from './nats-cork.ts';
import { plainAck, toDelivery } from './nats-delivery.ts';
import { createFloorKeeper, type ConsumerFloors } from './nats-consumer-floors.ts';
import { ensureDurable } from './nats-durable.ts';
import { peekSubject } from './nats-envelope.ts';
import { pendingWork } from './nats-pending-work.ts';
import { holdBack } from './hold-back.ts';
import { KeepAlive } from './keep-alive.ts';
import { PullQueue } from './pull-queue.ts';
import { createPullWatch, type PullWatch } from './pull-watch.ts';

export interface SubscriptionDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Acks of one event-loop turn go out in one socket write. */
  cork: Cork;
  /** Where content claims live, and this process's own answers (nats-claims.ts). */
  content: KV;
  verdicts: ClaimVerdicts;
  /** Whether the message of an id is stored in this subscription's stream (a content claim's holder). */
  isStored: (id: string) => Promise<boolean>;
  /** The server's ack wait when the subscription's is longer (keep-alive.ts). Default LOST_DELIVERY_MS. */
  lostDeliveryMs?: number;
  /** Where the consumer's ack floor is saved, to create it again after it if it is lost (nats-consumer-floors.ts). */
  floors?: ConsumerFloors;
}

export interface ConsumerTarget {
  /** JetStream stream name. */
  stream: string;
  /** Durable consumer name (already NATS-safe). */
  durable: string;
  filter: string;
}

const RETRY_SETUP_MS = 500;
/**
 * Short pulls: a pull dies with the consumer's leader when a cluster node goes, and is only noticed after
 * two missed idle heartbeats (half of this each); the next waits at most this long. With 5 s pulls (through
 * nats.js's consume(), which then checked the consumer every 5 s) a consumer stood still for up to 17 s
 * after a node loss.
 */
const PULL_EXPIRES_MS = 2_000;

/**
 * A durable pull consumer, pulled by a PullQueue (pull-queue.ts) and read as an async iterator (no async
 * callbacks). Subscriptions with the same durable name share the work. Setup is retried while NATS is
 * unreachable, and failed pulls are tried again, so a subscription outlives outages. Every message it
 * holds is kept alive (keep-alive.ts), so the server's ack wait can be short.
 */
export class NatsSubscription<T> implements Subscription<T> {
  #stopped = false;
  #pulls: PullQueue | undefined;
  #wake: (() => void) | undefined;
  readonly #held: KeepAlive;
  readonly #pullers: PullWatch;
  readonly #floorKeeper: ReturnType<typeof createFloorKeeper> | undefined;

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly target: ConsumerTarget,
    private readonly options: ConsumeOptions = {},
  ) {
    const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    this.#held = new KeepAlive(ackWaitMs, deps.cork, deps.lostDeliveryMs);
    // A puller settles what it holds, or lets it go, within its ack wait and pulls again (a worker's default
    // attempt timeout is at most half of it); a message let go is sent again within the server's.
    this.#pullers = createPullWatch(ackWaitMs + this.#held.serverAckWaitMs);
    const onError = (error: unknown) => options.onError?.(error);
    this.#floorKeeper = deps.floors && createFloorKeeper(deps.jsm, deps.floors, target, onError);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Delivery<T>> {
    let failures = 0;
    try {
      while (!this.#stopped) {
        try {
          for await (const delivery of this.#consumeOnce()) {
            failures = 0;
            yield delivery;
          }
        } catch (error) {
          // NATS unreachable or the consumer vanished: report it, and set it up again after a capped back-off.
          failures += 1;
          this.options.onError?.(error);
        }
        if (!this.#stopped) await this.#pause(failureBackoffMs(Math.max(1, failures), RETRY_SETUP_MS));
      }
    } finally {
      // Also reached when the caller breaks out of its for-await loop.
      this.#stopped = true;
      await this.#closePulls();
      this.#held.stop();
      this.#floorKeeper?.stop();
    }
  }

  /** What this consumer has to do now, as the embedded bus counts it (nats-pending-work.ts). */
  async pending(): Promise<PendingWork> {
    return pendingWork({ jsm: this.deps.jsm, target: this.target, held: this.#held, pullers: this.#pullers, taking: () => this.#taking() });
  }

  /** Whether this subscription is pulling: a redelivery that comes due is sent to it (or to another puller). */
  #taking(): boolean {
    return !this.#stopped && this.#pulls !== undefined;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise((resolve) => (timer = setTimeout(resolve, 2_000)));
    await Promise.race([this.#closePulls(), bound]);
    clearTimeout(timer);
    this.#held.stop();
    this.#floorKeeper?.stop();
  }

  /** Messages pulled and never handed out go back at once, not after the ack wait. Those handed out stay held. */
  async #closePulls(): Promise<void> {
    const pulls = this.#pulls;
    this.#pulls = undefined;
    for (const msg of (await pulls?.close()) ?? []) {
      this.#held.release(msg);
      try {
        msg.nak();
      } catch {
        // The connection is closed: the server sends it again after the ack wait.
      }
    }
  }

  async *#consumeOnce(): AsyncGenerator<Delivery<T>> {
    const { deps, target, options } = this;
    await this.#closePulls();
    await ensureDurable(deps.jsm, target, this.#held.serverAckWaitMs, deps.floors);
    const consumer = await deps.js.consumers.get(target.stream, target.durable);
    const batch = options.batch ?? 64;
    if (this.#stopped) return;
    this.#floorKeeper?.start();
    const held = this.#held;
    const pulls = new PullQueue(consumer, {
      batch,
      expiresMs: PULL_EXPIRES_MS,
      held: () => held.size,
      received: (msg) => held.hold(msg),
      onError: (error) => options.onError?.(error),
    });
    held.onRelease(() => pulls.freed());
    this.#pulls = pulls;
    const arrivals = this.#arrivals(pulls)[Symbol.asyncIterator]();
    for await (const { msg, delivery } of holdBack(arrivals, (arrival) => confirmArrival(this.deps, this.options, arrival), batch)) {
      held.handOut(msg);
      yield delivery;
    }
  }

  async *#arrivals(messages: AsyncIterable<JsMsg>): AsyncGenerator<Arrival<T>> {
    const { deps, options } = this;
    for await (const msg of messages) {
      // Turned down from the subject alone where it can be read without the payload (the router skips most events).
      const peeked = options.wants === undefined ? undefined : peekSubject(msg.data);
      if (peeked !== undefined && options.wants?.(peeked) === false) {
        this.#skip(msg);
        continue;
      }
      const delivery = toDelivery<T>(msg, deps.cork, this.#held);
      if (delivery === undefined) continue;
      if (peeked === undefined && options.wants?.(delivery.subject) === false) this.#skip(msg);
      else yield { msg, delivery, claim: msg.headers?.get(CLAIM_HEADER) || undefined };
    }
  }

  /** A plain ack, not awaited: if it is lost, the message comes back after the ack wait and is turned down again. */
  #skip(msg: JsMsg): void {
    const { deps, options } = this;
    this.#held.release(msg);
    void plainAck(msg, deps.cork).then(
      () => options.onSkipped?.(1),
      (error: unknown) => options.onError?.(error),
    );
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
