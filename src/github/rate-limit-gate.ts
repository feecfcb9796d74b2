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
  /** Resolves when the next request may go out: waits while a limit is in force. */
  beforeRequest(): Promise<void>;
  /** Reads `x-ratelimit-remaining` / `x-ratelimit-reset` from every response, success or error. */
  observe(headers: Readonly<Record<string, string | number | undefined>>): void;
  /** Reads `retry-after` from a refused request (GitHub's secondary limits), once the client gave up waiting it out. */
  observeRefusal(headers: Readonly<Record<string, string | number | undefined>>): void;
}

/**
 * Honours GitHub's rate limits across calls:
 * - the primary limit before GitHub has to refuse: once a response says `x-ratelimit-remaining: 0`, no request
 *   goes out until `x-ratelimit-reset` (epoch seconds) has passed;
 * - a secondary limit's `retry-after` after @octokit/plugin-throttling gave up on it (a wait longer than the
 *   caller allows): no request goes out until it has passed, so the next call (the next redelivery of a batch)
 *   does not knock again while GitHub asks for quiet.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 * Refusals (403/429) themselves are retried by @octokit/plugin-throttling.
 */
export function createRateLimitGate(options: { now: () => Date; logger: Logger; maxWaitMs: number }): RateLimitGate {
  let resetAt: Date | undefined;
  let quietUntil: Date | undefined;
  return {
    async beforeRequest() {
      const [until, limit] = pending();
      if (!until) return;
      const waitMs = until.getTime() - options.now().getTime();
      if (waitMs > options.maxWaitMs) throw new RateLimitWaitError(until, limit);
      options.logger.warn({ waitMs, resetAt: until.toISOString() }, `GitHub API ${limit} rate limit; waiting until it has passed`);
      // One extra second, as GitHub's docs advise, so the request lands after the reset.
      await new Promise((resolve) => setTimeout(resolve, waitMs + 1000));
    },
    observe(headers) {
      const remaining = headers['x-ratelimit-remaining'];
      const reset = Number(headers['x-ratelimit-reset']);
      if (remaining === undefined || !Number.isFinite(reset)) return;
      resetAt = Number(remaining) === 0 ? new Date(reset * 1000) : undefined;
    },
    observeRefusal(headers) {
      const seconds = Number(headers['retry-after']);
      if (!Number.isFinite(seconds) || seconds <= 0) return;
      const until = new Date(options.now().getTime() + seconds * 1000);
      if (!quietUntil || until > quietUntil) quietUntil = until;
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
