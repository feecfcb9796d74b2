import { NatsUnavailableError } from './nats-unavailable-error.ts';

/**
 * Bounds a multi-step NATS operation as a whole: each JetStream call has its own timeout, but a publish
 * is several calls, and while a cluster elects a new leader each of them can wait out its timeout.
 * The work itself is not cancelled; a publish that lands after the deadline is found by dedup on retry.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NatsUnavailableError(`NATS bus ${what} not confirmed within ${ms} ms (is the cluster electing a leader?)`)),
      ms,
    );
  });
  // The losing side of the race must not become an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * Tries `attempt` again after short pauses while it fails with a `retryable` error and `ms` allows.
 * A stream without a leader (a node just died) refuses writes at once; the new leader is usually
 * there within seconds, and a request that waits for it gets a 202 instead of a 503.
 */
export async function retryWithin<T>(attempt: () => Promise<T>, ms: number, retryable: (err: unknown) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (let pause = 50; ; pause = Math.min(pause * 2, 400)) {
    try {
      return await attempt();
    } catch (err) {
      if (!retryable(err) || Date.now() + pause >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
