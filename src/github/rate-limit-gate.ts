import type { Logger } from 'pino';

type Limit = 'primary' | 'secondary';

/** What a rate-limited caller is told when the wait would be longer than it allows. */
export class RateLimitWaitError extends Error {
  constructor(
    readonly resetAt: Date,
    readonly limit: Limit = 'primary',
  ) {
    super(
      limit === 'primary'
        ? `GitHub API rate limit exhausted until ${resetAt.toISOString()}`
        : `GitHub API secondary rate limit: GitHub asked for no requests until ${resetAt.toISOString()}`,
    );
    this.name = 'RateLimitWaitError';
  }
}

export interface RateLimitGate {
  /**
   * Resolves when the next request may go out: waits while a limit is in force, or throws RateLimitWaitError
   * when that is longer than the caller waits. Any of `signals` aborting ends the wait with its reason.
   */
  beforeRequest(signals?: readonly (AbortSignal | undefined)[]): Promise<void>;
  /** Reads `x-ratelimit-remaining` / `x-ratelimit-reset` from every response, success or error. */
  observe(headers: Headers): void;
  /**
   * Reads a refused request (403/429): whether it was a rate limit, keeping how long GitHub asked for quiet
   * (its `retry-after`, else the primary limit's reset, else a minute for a secondary limit or a 429).
   */
  refused(refusal: { status: number; headers: Headers; message: string }): boolean;
  /** How long no request may go out (0 when none is held back). */
  waitMs(): number;
}

type Headers = Readonly<Record<string, string | number | undefined>>;

/** GitHub asks to wait at least a minute when a secondary limit names no time. */
const UNNAMED_WAIT_MS = 60_000;

/**
 * Honours GitHub's rate limits across calls:
 * - the primary limit before GitHub has to refuse: once a response says `x-ratelimit-remaining: 0`, no request
 *   goes out until `x-ratelimit-reset` (epoch seconds) has passed;
 * - a refusal's `retry-after` (a secondary limit, or a 429 however worded): no request goes out until it has
 *   passed, so the next call (the next redelivery of a batch) does not knock again while GitHub asks for quiet.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function createRateLimitGate(options: { now: () => Date; logger: Logger; maxWaitMs: number }): RateLimitGate {
  let resetAt: Date | undefined;
  let quietUntil: Date | undefined;
  const quietFor = (ms: number): void => {
    const until = new Date(options.now().getTime() + ms);
    if (!quietUntil || until > quietUntil) quietUntil = until;
  };
  return {
    async beforeRequest(signals = []) {
      const [until, limit] = pending();
      if (!until) return;
      const waitMs = until.getTime() - options.now().getTime();
      if (waitMs > options.maxWaitMs) throw new RateLimitWaitError(until, limit);
      options.logger.warn({ waitMs, resetAt: until.toISOString() }, `GitHub API ${limit} rate limit; waiting until it has passed`);
      // One extra second, as GitHub's docs advise, so the request lands after the reset.
      await abortableDelay(waitMs + 1000, signals);
    },
    observe(headers) {
      const remaining = headers['x-ratelimit-remaining'];
      const reset = Number(headers['x-ratelimit-reset']);
      if (remaining === undefined || !Number.isFinite(reset)) return;
      resetAt = Number(remaining) === 0 ? new Date(reset * 1000) : undefined;
    },
    refused({ status, headers, message }) {
      if (status !== 403 && status !== 429) return false;
      const seconds = Number(headers['retry-after']);
      if (Number.isFinite(seconds) && seconds > 0) quietFor(seconds * 1000);
      else if (Number(headers['x-ratelimit-remaining']) === 0 && resetAt) return true;
      // A 429 is a rate limit whatever its words; a 403 only when it says so.
      else if (status === 429 || /\bsecondary rate\b/i.test(message)) quietFor(UNNAMED_WAIT_MS);
      else return false;
      return true;
    },
    waitMs() {
      const [until] = pending();
      return until ? Math.max(0, until.getTime() - options.now().getTime()) : 0;
    },
  };

  /** The latest time a limit forbids requests until, and which limit; limits that have passed are forgotten. */
  function pending(): [Date | undefined, Limit] {
    const now = options.now().getTime();
    if (resetAt && resetAt.getTime() <= now) resetAt = undefined;
    if (quietUntil && quietUntil.getTime() <= now) quietUntil = undefined;
    if (quietUntil && (!resetAt || quietUntil > resetAt)) return [quietUntil, 'secondary'];
    return [resetAt, 'primary'];
  }
}

/** Waits `ms`, or until one of `signals` aborts (then rejects with its reason): a stopping hub must not wait out a reset. */
function abortableDelay(ms: number, signals: readonly (AbortSignal | undefined)[]): Promise<void> {
  const live = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const aborted = live.find((signal) => signal.aborted);
  if (aborted) return Promise.reject(aborted.reason as Error);
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const signal of live) signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (event: Event): void => {
      done();
      reject((event.target as AbortSignal).reason as Error);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    for (const signal of live) signal.addEventListener('abort', onAbort, { once: true });
  });
}
