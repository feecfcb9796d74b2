/**
 * GitHub's rate limits as the rules check reports them to the worker: a rate limit (a 403 as often as a 429,
 * or the client's refusal to send while one lasts) is a RateLimitedError, which waits for it without using an
 * attempt, where a 403 used to dead-letter the check. Real local HTTP server answering as GitHub does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../../../src/actions/runtime/classify-error.ts';
import { createGithubClient } from '../../../../src/github/github-client.ts';
import { asDeliveryError } from '../../../../src/github/rules-check/rules-repo-api.ts';
import { silentLogger } from '../../../helpers/hub-fixtures.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Answers every request with `status`, `headers` and `{ message }`, counting them. */
async function startGithub(status: number, headers: Record<string, string>, message: string) {
  const seen = { requests: 0 };
  server = createServer((_req, res) => {
    seen.requests += 1;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ message }));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // As the rules check builds its client: no retries of its own, and at most 10 s of waiting for a limit.
  const client = createGithubClient({
    apiUrl: url,
    auth: { token: 'ghp_x' },
    logger: silentLogger,
    now: () => NOW,
    retries: 0,
    maxRateLimitWaitMs: 10_000,
  });
  const call = () =>
    client.request('GET /repos/{owner}/{repo}/pulls/{pull}/files', { owner: 'acme', repo: 'rules', pull: 7 }).then(
      () => undefined,
      (error: unknown) => classifyError(asDeliveryError(error, 'rules check of acme/rules#7', NOW), 5_000),
    );
  return { seen, call };
}

describe("the rules check's GitHub errors", () => {
  it('a secondary rate limit answered 403 waits for its retry-after without using an attempt, as does the next call the client refuses', async () => {
    const github = await startGithub(403, { 'retry-after': '120' }, SECONDARY);
    expect(await github.call()).toMatchObject({ kind: 'retry', rateLimited: true, status: 403, delayMs: 120_000 });
    // The client's gate refuses the next call unsent until the retry-after has passed (a second past it).
    const refused = await github.call();
    expect(refused).toMatchObject({ kind: 'retry', rateLimited: true, delayMs: 121_000 });
    expect(refused?.message).toMatch(/^rules check of acme\/rules#7: GitHub API secondary rate limit/);
    expect(github.seen.requests).toBe(1);
  });

  it("the primary limit's 403 waits until a second past its reset", async () => {
    const reset = String(NOW.getTime() / 1_000 + 20 * 60);
    const github = await startGithub(
      403,
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      'API rate limit exceeded for user ID 1.',
    );
    expect(await github.call()).toMatchObject({ kind: 'retry', rateLimited: true, status: 403, delayMs: 20 * 60_000 + 1_000 });
  });

  it('a 403 that is no rate limit stays permanent', async () => {
    const github = await startGithub(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration');
    const failure = await github.call();
    expect(failure).toMatchObject({ kind: 'permanent', status: 403 });
    expect(failure).not.toHaveProperty('rateLimited');
  });
});
