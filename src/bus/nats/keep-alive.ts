/**
 * The messages a subscription holds (received, not yet acked, nak'ed or termed), kept from being
 * redelivered while it works on them.
 *
 * A delivery can be lost on its way here: when a cluster node dies with the consumer's leader on it, the
 * new leader counts what the old one sent as delivered and waits the consumer's ack wait before it sends
 * it again. With a 30 s ack wait, some node-loss runs delivered their last webhooks 30 s after the kill.
 * So the server's ack wait is short (LOST_DELIVERY_MS), and while this process holds a message it says
 * it is still working on it (`+WIP`) several times per server ack wait, until the subscription's own ack
 * wait (from its arrival or its last `working()`) is up; then the server sends it again, as before.
 */
import type { JsMsg } from '@nats-io/jetstream';
import type { Cork } from './nats-cork.ts';

/** The ack wait a consumer gets on the server when the subscription's own is longer. */
export const LOST_DELIVERY_MS = 10_000;
/** Keep-alives per server ack wait: a lost one (a leader election) lets nothing go. */
const KEEP_ALIVES_PER_WAIT = 5;

export class KeepAlive {
  /** The ack wait to give the durable consumer on the server. */
  readonly serverAckWaitMs: number;
  /** Each held message, with the time its subscription's ack wait runs out. */
  readonly #deadlines = new Map<JsMsg, number>();
  /** The held messages handed to the subscriber; the others wait in this process for it to take them. */
  readonly #handedOut = new WeakSet<JsMsg>();
  readonly #everyMs: number;
  readonly #timer: NodeJS.Timeout;
  #onRelease: (() => void) | undefined;
  #stopping = false;

  constructor(
    private readonly ackWaitMs: number,
    private readonly cork: Cork,
    lostDeliveryMs = LOST_DELIVERY_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.serverAckWaitMs = Math.min(ackWaitMs, lostDeliveryMs);
    this.#everyMs = this.serverAckWaitMs / KEEP_ALIVES_PER_WAIT;
    // Also where a message nobody settles stops being counted as held (it would take a batch slot for good).
    this.#timer = setInterval(() => this.#tick(), this.#everyMs);
    this.#timer.unref();
  }

  /** Messages held now. */
  get size(): number {
    return this.#deadlines.size;
  }

  /** Called each time a held message is let go. */
  onRelease(listener: () => void): void {
    this.#onRelease = listener;
  }

  hold(msg: JsMsg): void {
    this.#deadlines.set(msg, this.now() + this.ackWaitMs);
  }

  /** The subscriber has it now (it was read off the subscription). */
  handOut(msg: JsMsg): void {
    this.#handedOut.add(msg);
  }

  /** Held messages the subscriber has not taken yet (read ahead, or sent again after a handler hung). */
  waiting(): JsMsg[] {
    return [...this.#deadlines.keys()].filter((msg) => !this.#handedOut.has(msg));
  }

  /** The subscriber is still working on it (`Delivery.working()`): its ack wait starts again. */
  extend(msg: JsMsg): void {
    if (this.#deadlines.has(msg)) this.#deadlines.set(msg, this.now() + this.ackWaitMs);
  }

  release(msg: JsMsg): void {
    if (this.#deadlines.delete(msg)) this.#onRelease?.();
  }

  /**
   * The subscription stopped: nothing new will be held, and the keep-alives end once every message
   * handed out is settled or its own ack wait is up (a worker finishing its deliveries as it shuts down).
   */
  stop(): void {
    this.#stopping = true;
    if (this.#deadlines.size === 0) clearInterval(this.#timer);
  }

  /** One `+WIP` for each message whose own ack wait outlasts the next tick, in one socket write. */
  #tick(): void {
    const now = this.now();
    const due: JsMsg[] = [];
    let dropped = 0;
    for (const [msg, deadline] of this.#deadlines) {
      if (now + this.#everyMs < deadline) due.push(msg);
      else if (now >= deadline) {
        // Left to the server, which sends it again after its ack wait; a late ack still counts.
        this.#deadlines.delete(msg);
        dropped += 1;
      }
    }
    if (dropped > 0) this.#onRelease?.();
    if (this.#stopping && this.#deadlines.size === 0) clearInterval(this.#timer);
    // Without a longer ack wait of its own, the server's already is the subscription's.
    if (due.length === 0 || this.ackWaitMs <= this.serverAckWaitMs) return;
    // Lost keep-alives (the connection is down) only mean a redelivery, which every consumer tolerates.
    void this.cork(() => {
      for (const msg of due) msg.working();
      return Promise.resolve();
    }).catch(() => undefined);
  }
}
