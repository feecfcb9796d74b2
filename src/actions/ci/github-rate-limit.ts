import { parseRetryAfter } from '../runtime/retry-after.ts';

/** GitHub asks to wait at least a minute when a rate limit names no time. */
const UNNAMED_WAIT_MS = 60_000;
/**
 * Past the reset second: a clock at or ahead of GitHub's would make the wait 0, and the job would spend
 * every attempt at once against the same limit (octokit waits a second past the reset too).
 */
const PAST_RESET_MS = 1_000;

/**
 * GitHub answers a rate limit with a 403 as often as a 429: Retry-After when it names one, else the
 * primary limit's reset time (`x-ratelimit-remaining: 0`, `x-ratelimit-reset` in epoch seconds), else
 * a minute for a secondary limit. Undefined for a 403 that is no rate limit (a token without the scope).
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
 */
export function githubRateLimitDelay(response: Pick<Response, 'status' | 'headers'>, body: string, now: Date): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  if (response.headers.get('x-ratelimit-remaining')?.trim() === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    return reset > 0 ? Math.max(0, reset * 1_000 - now.getTime()) + PAST_RESET_MS : UNNAMED_WAIT_MS;
  }
  return /secondary rate limit/i.test(body) ? UNNAMED_WAIT_MS : undefined;
}
