import type { Reply } from './fake-github-hooks.ts';

/**
 * GitHub's rate limits as the fake plays them: `x-ratelimit-*` headers on every answer, a primary limit that
 * answers 403 once spent (until its reset, on the fake's clock), and secondary limits answered with
 * `retry-after`, once or for a wall-clock window.
 */
export function createFakeLimits(now: () => Date) {
  const nowS = () => Math.floor(now().getTime() / 1000);
  const limit = { limit: 5000, remaining: 5000, reset: nowS() + 3600, secondary: 0, tooMany: 0 };
  /** A secondary limit in force until this wall-clock time, answered with `status` (GitHub uses 403 or 429). */
  const secondaryWindow = { until: 0, status: 403 };

  function headers(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(limit.limit),
      'x-ratelimit-remaining': String(Math.max(0, limit.remaining)),
      'x-ratelimit-reset': String(limit.reset),
      'x-ratelimit-used': String(limit.limit - limit.remaining),
      'x-ratelimit-resource': 'core',
    };
  }

  function secondaryLimited(status: number, retryAfter: number): Reply {
    return {
      status,
      headers: { ...headers(), 'retry-after': String(retryAfter) },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      },
    };
  }

  return {
    headers,
    /** The secondary-limit refusal for a call arriving now, if one is in force. */
    secondaryRefusal(): Reply | undefined {
      if (limit.tooMany > 0) {
        const retryAfter = limit.tooMany;
        limit.tooMany = 0;
        return { status: 429, headers: { ...headers(), 'retry-after': String(retryAfter) }, body: { message: 'Too Many Requests' } };
      }
      if (limit.secondary > 0) {
        const retryAfter = limit.secondary;
        limit.secondary = 0;
        return secondaryLimited(403, retryAfter);
      }
      const left = secondaryWindow.until - Date.now();
      return left > 0 ? secondaryLimited(secondaryWindow.status, Math.ceil(left / 1000)) : undefined;
    },
    /** Counts a call on the primary limit: the 403 GitHub answers once it is spent, or undefined. */
    spend(): Reply | undefined {
      if (nowS() >= limit.reset) Object.assign(limit, { remaining: limit.limit, reset: nowS() + 3600 });
      if (limit.remaining <= 0)
        return {
          status: 403,
          headers: headers(),
          body: {
            message: 'API rate limit exceeded for user ID 1.',
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          },
        };
      limit.remaining -= 1;
      return undefined;
    },
    /** The next `remaining` calls succeed; then 403 until `reset`. */
    setRateLimit: (remaining: number, reset: Date) => {
      Object.assign(limit, { remaining, reset: Math.floor(reset.getTime() / 1000) });
    },
    /** The next call is refused with a secondary rate limit and `retry-after: seconds`. */
    secondaryLimitOnce: (seconds: number) => {
      limit.secondary = seconds;
    },
    /** The next call is refused with a bare 429 (not worded as a secondary limit) and `retry-after: seconds`. */
    tooManyRequestsOnce: (seconds: number) => {
      limit.tooMany = seconds;
    },
    /** Every call for the next `seconds` is refused with a secondary rate limit, answered `status`, and the seconds left as `retry-after`. */
    secondaryLimitFor: (seconds: number, status: 403 | 429) => {
      Object.assign(secondaryWindow, { until: Date.now() + seconds * 1000, status });
    },
  };
}
