import { randomUUID } from 'node:crypto';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Logger } from 'pino';
import type { GithubAppConfig } from '../../connectors/github/config.ts';
import type { LiveSecrets } from '../operations/live-secrets.ts';
import { installationAuthStrategy } from './app-auth.ts';
import { boundedFetch } from './bounded-fetch.ts';
import { createRateLimitGate } from './rate-limit-gate.ts';
import { installRateLimitHook } from './rate-limit-hook.ts';

const GithubOctokit = Octokit.plugin(retry, throttling);
export type GithubClient = InstanceType<typeof GithubOctokit>;

/**
 * plugin-retry's list plus 429: GitHub answers a secondary rate limit with 403 or 429, and plugin-retry would
 * retry a 429 after 1, 4 and 9 s whatever its `retry-after` says, hitting GitHub while it asks for quiet.
 * The rate-limit hook waits out the 429 instead.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */
const NOT_RETRIED = [400, 401, 403, 404, 410, 422, 429, 451];

export type GithubAuth = { token: string } | { app: GithubAppConfig };

export interface GithubClientOptions {
  /** REST base URL: `https://api.github.com`, or `https://<host>/api/v3` for GitHub Enterprise Server. */
  apiUrl: string;
  auth: GithubAuth;
  logger: Logger;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Pause between mutating requests; GitHub asks for at least 1 s. Default 1000. */
  writeIntervalMs?: number;
  /** Longest wait for a rate limit before a call fails instead. Default 15 min. */
  maxRateLimitWaitMs?: number;
  /** Ends every rate-limit wait when it aborts (its owner stopping); a call's own `request.signal` ends its wait too. */
  signal?: AbortSignal;
  /** Retries for 5xx and network errors (with backoff). Default 3. */
  retries?: number;
  /** Longest wait for one HTTP request, answer included (each retry gets its own). Default 30 s. */
  requestTimeoutMs?: number;
  /** App auth: mint a new installation token this long before the current one expires. Default 5 min. */
  refreshBeforeMs?: number;
  onTokenRefresh?: (expiresAt: Date) => void;
  /** App auth: given each JWT and installation token minted (the hub masks them in attempt records). */
  liveSecrets?: Pick<LiveSecrets, 'add'>;
}

/**
 * An Octokit with GitHub's etiquette built in: retries with backoff (@octokit/plugin-retry), waits out
 * primary and secondary rate limits (a gate that stops at `x-ratelimit-remaining: 0` and after a refusal,
 * rate-limit-hook.ts), one mutating request at a time (@octokit/plugin-throttling), and PAT or App
 * installation auth.
 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api
 */
export function createGithubClient(options: GithubClientOptions): GithubClient {
  const now = options.now ?? (() => new Date());
  const { logger } = options;
  const maxWaitMs = options.maxRateLimitWaitMs ?? 15 * 60_000;
  const client = new GithubOctokit({
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: 'hookhub',
    ...authOptions(options, now),
    request: { fetch: boundedFetch(options.fetch ?? fetch, options.requestTimeoutMs ?? 30_000) },
    retry: { retries: options.retries ?? 3, doNotRetry: NOT_RETRIED },
    throttle: {
      // A per-client id keeps Bottleneck's process-wide groups from pacing unrelated clients together.
      id: randomUUID(),
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeIntervalMs ?? 1000 }),
      // Never waited out here (Bottleneck's timers cannot be aborted): the rate-limit hook waits, for a 429 however worded too, and abortably.
      onRateLimit: () => false,
      onSecondaryRateLimit: () => false,
    },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
  });
  const gate = createRateLimitGate({ now, logger, maxWaitMs });
  installRateLimitHook(client, gate, { maxWaitMs, logger, ...(options.signal ? { signal: options.signal } : {}) });
  return client;
}

function authOptions(options: GithubClientOptions, now: () => Date) {
  if ('token' in options.auth) return { auth: options.auth.token };
  return {
    authStrategy: installationAuthStrategy({
      app: options.auth.app,
      now,
      ...(options.refreshBeforeMs !== undefined ? { refreshBeforeMs: options.refreshBeforeMs } : {}),
      ...(options.onTokenRefresh ? { onRefresh: options.onTokenRefresh } : {}),
      ...(options.liveSecrets ? { secrets: options.liveSecrets } : {}),
    }),
  };
}
