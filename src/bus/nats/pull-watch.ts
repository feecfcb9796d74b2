/**
 * Whether anyone pulls from a durable consumer that several hub processes share, as one of its
 * subscriptions tells from the consumer's info while it does not pull itself.
 *
 * A subscription that pulls has a pull request waiting on the server: the consumer's `num_waiting`, from
 * which nats-server drops expired requests and those nobody listens for any more before it answers (2.9:
 * processWaiting in infoWithSnapAndReply). It has none for a round trip between two fetches (each expires
 * after 2 s), and none while every slot of its batch is taken (pull-queue.ts asks only for room). A slot is
 * freed once a message is settled, or let go at the subscription's ack wait; the next fetch then waits on
 * the server, or is answered at once, which moves the consumer's delivered sequence. So one read that sees
 * no request proves nothing; a window of reads with no request and no delivery does.
 */
import type { ConsumerInfo } from '@nats-io/jetstream';

export interface PullWatch {
  /** Whether a subscription of the consumer (`here`: this one) has pulled within the window, as of `info`. */
  pulling(info: Pick<ConsumerInfo, 'num_waiting' | 'delivered'>, here: boolean): boolean;
}

/** `windowMs`: the longest a pulling subscription may go without a request waiting or a delivery. */
export function createPullWatch(windowMs: number, now: () => number = Date.now): PullWatch {
  // A subscription that has not watched for a whole window cannot tell that nobody pulls.
  let seenAt = now();
  let delivered: number | undefined;
  return {
    pulling(info, here) {
      const moved = delivered !== undefined && info.delivered.consumer_seq !== delivered;
      delivered = info.delivered.consumer_seq;
      if (here || moved || info.num_waiting > 0) seenAt = now();
      return now() - seenAt < windowMs;
    },
  };
}
