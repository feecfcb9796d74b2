import type { ConsumerConfig, ConsumerInfo, JetStreamManager } from '@nats-io/jetstream';
import { errors, nuid } from '@nats-io/transport-node';

/** A healthy 3-node cluster answers a one-copy consumer create in ms: p99 28 ms here under a heavy publish load. */
const HEDGE_AFTER_MS = 250;
/** The wait before each further create doubles up to this, so a cluster that is merely slow gets few extra creates. */
const HEDGE_MAX_MS = 1_000;
/** With one of a stream's three servers down, each create is lost with p = 1/3: all 10 with p = 2e-5. */
const MAX_ATTEMPTS = 10;

/**
 * Creates the short-lived, one-copy consumer a range read pulls from, on a server that is up.
 *
 * nats-server 2.9 puts a new one-copy ephemeral consumer on a random server of its stream, running or
 * not (createGroupForConsumer in jetstream_cluster.go), nothing in the consumer config steers it, and
 * only that server answers the create. With a node down, a third of the creates go unanswered until
 * the request times out, for as long as the node stays down; stream info shows the dead server as not
 * current only tens of seconds later, never as offline. So while no create has answered, another one with a
 * fresh name starts after HEDGE_AFTER_MS, then after twice that (up to HEDGE_MAX_MS), earlier ones still waiting; the first answer wins and the
 * others are deleted by name, which the meta leader applies even when their server is down. On a
 * healthy cluster the first create answers well before that: one request, as before.
 */
export function addReadConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig>): Promise<ConsumerInfo> {
  return new Promise((resolve, reject) => {
    const launched: string[] = [];
    let settled = false;
    let failed = 0;
    let timer: NodeJS.Timeout | undefined;
    const settle = (winner?: string) => {
      settled = true;
      clearTimeout(timer);
      for (const name of launched) if (name !== winner) dropConsumer(jsm, stream, name);
    };
    const attempt = () => {
      const name = `read_${nuid.next()}`;
      launched.push(name);
      if (launched.length < MAX_ATTEMPTS) timer = setTimeout(attempt, Math.min(HEDGE_AFTER_MS * 2 ** (launched.length - 1), HEDGE_MAX_MS));
      jsm.consumers.add(stream, { ...config, name }).then(
        (info) => {
          // A late answer: its delete may have reached the server before the create did.
          if (settled) {
            dropConsumer(jsm, stream, name);
            return;
          }
          settle(name);
          resolve(info);
        },
        (err: Error) => {
          if (settled) return;
          failed++;
          // An unanswered create is one that landed on a server that is down; any other error is real.
          if (err instanceof errors.TimeoutError && failed < MAX_ATTEMPTS) return;
          settle();
          reject(err);
        },
      );
    };
    attempt();
  });
}

/** Also the safety net when a delete is lost: the consumer's inactive_threshold removes it. */
function dropConsumer(jsm: JetStreamManager, stream: string, name: string): void {
  jsm.consumers.delete(stream, name).catch(() => undefined);
}
