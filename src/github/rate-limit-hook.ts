import type { Logger } from 'pino';
import type { GithubClient } from './github-client.ts';
import type { RateLimitGate } from './rate-limit-gate.ts';

/** Refusals for rate limits one call waits out before it fails (GitHub's own limit already held it back). */
const MAX_RATE_LIMIT_RETRIES = 3;

interface RequestRefusal {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

/**
 * Every call goes through the gate, and a refusal for a rate limit (403/429) is waited out there and sent
 * again, up to `maxWaitMs`: GitHub's `retry-after`, the primary limit's reset, or a minute for a secondary
 * limit or a 429 that names no time (@octokit/plugin-throttling left a 429 not worded "secondary rate"
 * unretried). The waits end when `signal` (the client's: its owner stopping) or the call's own
 * `request.signal` aborts, so a stopping hub never waits out a reset; the call then fails with the abort's reason.
 */
export function installRateLimitHook(
  client: GithubClient,
  gate: RateLimitGate,
  options: { maxWaitMs: number; logger: Logger; signal?: AbortSignal },
): void {
  client.hook.wrap('request', async (request, params) => {
    const signals = [options.signal, params.request?.signal];
    for (let refusals = 0; ; refusals++) {
      await gate.beforeRequest(signals);
      try {
        const response = await request(params);
        gate.observe(response.headers);
        return response;
      } catch (error) {
        const { status, message = '', response } = error as RequestRefusal;
        if (!response?.headers || status === undefined) throw error;
        gate.observe(response.headers);
        const limited = gate.refused({ status, headers: response.headers, message });
        if (!limited || refusals >= MAX_RATE_LIMIT_RETRIES || gate.waitMs() > options.maxWaitMs) throw error;
        options.logger.warn(
          { status, method: params.method, url: params.url, waitMs: gate.waitMs() },
          'GitHub rate limit hit; waiting it out',
        );
      }
    }
  });
}
