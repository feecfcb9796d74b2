import type { JetStreamManager } from '@nats-io/jetstream';
import type { PendingWork } from '../event-bus.ts';
import type { KeepAlive } from './keep-alive.ts';
import { timeFromNanos } from './nats-envelope.ts';
import type { ConsumerTarget } from './nats-subscription.ts';
import type { PullWatch } from './pull-watch.ts';

/** What a subscription's pending() reads: its consumer, the messages it holds, and whether anyone pulls. */
export interface PendingWorkSources {
  jsm: JetStreamManager;
  target: ConsumerTarget;
  held: KeepAlive;
  pullers: PullWatch;
  /** Whether this subscription is pulling, asked once the consumer info is in. */
  taking: () => boolean;
}

/**
 * What this consumer has to do now, as the embedded bus counts it: messages never delivered (JetStream's
 * num_pending), plus those delivered and waiting here for the subscriber to take them (read ahead, or sent
 * again once a hung handler's ack wait was up). The server cannot tell a due redelivery from one waiting out
 * a nak delay, and a pulling subscription takes a due one at once (a full batch frees a slot as soon as one
 * is settled or its ack wait is up). Every hub process shares the durable: while any of its subscriptions
 * pulls, here or in another hub, the delivered messages are in flight there or wait out a nak delay, and one
 * that comes due is sent to a puller. Only once none has pulled for a window (pull-watch.ts) do the delivered
 * messages this one does not hold count too, delayed ones included: those a crashed hub held, while the
 * router here waits for its rules or the subscription sets up again.
 */
export async function pendingWork(sources: PendingWorkSources): Promise<PendingWork> {
  const { jsm, target, held, pullers, taking } = sources;
  const { stream, durable } = target;
  const info = await jsm.consumers.info(stream, durable);
  const waiting = new Map(held.waiting().map((msg) => [msg.info.streamSequence, msg.info.timestampNanos]));
  const untaken = pullers.pulling(info, taking()) ? 0 : Math.max(0, info.num_ack_pending - held.size);
  const count = info.num_pending + waiting.size + untaken;
  if (count === 0) return { count: 0 };
  const times = [...waiting.values()].map((nanos) => timeFromNanos(nanos).getTime());
  // The first message after those delivered, and the first not finished (what is left undone is no newer).
  if (info.num_pending > 0) times.push(...(await storedAt(jsm, stream, info.delivered.stream_seq + 1)));
  if (untaken > 0) times.push(...(await storedAt(jsm, stream, info.ack_floor.stream_seq + 1)));
  return { count, ...(times.length > 0 ? { oldestMs: Math.min(...times) } : {}) };
}

/** The store time of message `seq` (epoch ms), none when it is gone. */
async function storedAt(jsm: JetStreamManager, stream: string, seq: number): Promise<number[]> {
  const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
  return msg ? [msg.time.getTime()] : [];
}
