import type { Logger } from 'pino';

/** What a rate-limited caller is told when the wait would be longer than it allows. */
export class RateLimitWaitError extends Error {
  constructor(readonly resetAt: Date) {
    super(`GitHub API rate limit exhausted until ${resetAt.toISOString()}`);
    this.name = 'RateLimitWaitError';
  }
}

export interface RateLimitGate {
  /** Resolves when the next request may go out: waits while the primary limit is exhausted. */
  beforeRequest(): Promise<void>;
  /** Reads `x-ratelimit-remaining` / `x-ratelimit-reset` from every response, success or error. */
  observe(headers: Readonly<Record<string, string | number | undefined>>): void;
}

/**
 * Honours the primary rate limit before GitHub has to refuse: once a response says
 * `x-ratelimit-remaining: 0`, no request goes out until `x-ratelimit-reset` (epoch seconds) has passed.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#checking-the-status-of-your-rate-limit
 * Refusals (403/429) themselves are handled by @octokit/plugin-throttling.
 */
export function createRateLimitGate(options: { now: () => Date; logger: Logger; maxWaitMs: number }): RateLimitGate {
  let resetAt: Date | undefined;
  return {
    async beforeRequest() {
      if (!resetAt) return;
      const waitMs = resetAt.getTime() - options.now().getTime();
      if (waitMs <= 0) {
        resetAt = undefined;
        return;
      }
      if (waitMs > options.maxWaitMs) throw new RateLimitWaitError(resetAt);
      options.logger.warn({ waitMs, resetAt: resetAt.toISOString() }, 'GitHub API rate limit exhausted; waiting for the reset');
      // One extra second, as GitHub's docs advise, so the request lands after the reset.
      await new Promise((resolve) => setTimeout(resolve, waitMs + 1000));
    },
    observe(headers) {
      const remaining = headers['x-ratelimit-remaining'];
      const reset = Number(headers['x-ratelimit-reset']);
      if (remaining === undefined || !Number.isFinite(reset)) return;
      resetAt = Number(remaining) === 0 ? new Date(reset * 1000) : undefined;
    },
  };
}
