/**
 * Crosspost platforms' rate limits reach the worker as rate limits (rateLimited, or a 429), with the wait the
 * platform names, so a throttled burst pauses the account instead of using attempts. Real local HTTP servers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { crosspostAction } from '../../../../src/actions/crosspost/index.ts';
import { CrosspostParamsSchema } from '../../../../src/actions/crosspost/crosspost-params.ts';
import { classifyError } from '../../../../src/actions/runtime/classify-error.ts';
import { isRateLimited } from '../../../../src/actions/runtime/rate-limited.ts';
import { startFakeApi, testDeps, testJob, type FakeApi, type FakeHandler } from '../ci/fake-api.ts';
import { actionContext } from '../../../helpers/action-context.ts';

const NOW = new Date('2026-11-28T12:00:00Z');
let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function failureOf(handler: FakeHandler, build: (url: string) => Record<string, unknown>) {
  api = await startFakeApi(handler);
  const params = CrosspostParamsSchema.parse(build(api.url));
  const error = await crosspostAction.execute(params, actionContext(testJob('crosspost', params), testDeps(NOW))).then(
    () => undefined,
    (e: unknown) => e,
  );
  const failure = classifyError(error, 1_000);
  return { ...failure, limited: isRateLimited({ ok: false, latencyMs: 0, ...failure }) };
}

const facebook = (url: string) => ({ platform: 'facebook', graph: url, pageId: '1234567890', token: 'EAAB-page-token', text: 'Hi' });
const graphError =
  (status: number, code: number, headers: Record<string, string> = {}): FakeHandler =>
  () => ({
    status,
    headers,
    body: { error: { message: `(#${code}) limit reached`, type: 'OAuthException', code } },
  });

describe('crosspost rate limits: facebook', () => {
  it('a Page limit (code 32, HTTP 400) is a rate limit waiting the usage header estimate', async () => {
    const usage = JSON.stringify({ '1234567890': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 7 }] });
    const failure = await failureOf(graphError(400, 32, { 'x-business-use-case-usage': usage }), facebook);
    expect(failure).toMatchObject({ kind: 'retry', status: 400, rateLimited: true, delayMs: 7 * 60_000, limited: true });
    expect(failure.message).toBe('HTTP 400 from Facebook: (#32) limit reached (OAuthException code 32)');
  });

  it.each([
    [403, 4],
    [400, 17],
    [400, 613],
    [500, 80_001],
    [400, 80_014],
  ])('HTTP %i with code %i is a rate limit; without an estimate the job backoff applies', async (status, code) => {
    const failure = await failureOf(graphError(status, code, { 'x-app-usage': '{"call_count":100,"total_time":30}' }), facebook);
    expect(failure).toMatchObject({ kind: 'retry', status, rateLimited: true, limited: true });
    expect(failure.delayMs).toBeUndefined();
  });

  it('other Graph errors are not rate limits', async () => {
    expect(await failureOf(graphError(400, 1), facebook)).toMatchObject({ kind: 'retry', limited: false });
    expect(await failureOf(graphError(400, 80_015), facebook)).toMatchObject({ kind: 'permanent', limited: false });
  });
});

describe('crosspost rate limits: mastodon and bluesky', () => {
  it("Mastodon's 429 waits until X-RateLimit-Reset", async () => {
    const reset = new Date(NOW.getTime() + 90_000).toISOString();
    const handler: FakeHandler = () => ({ status: 429, headers: { 'x-ratelimit-reset': reset }, body: { error: 'Too many requests' } });
    const failure = await failureOf(handler, (url) => ({ platform: 'mastodon', instance: url, token: 't', text: 'Hi' }));
    expect(failure).toMatchObject({ kind: 'retry', status: 429, delayMs: 90_000, limited: true });
  });

  it("Bluesky's 429 waits until RateLimit-Reset", async () => {
    const reset = String(NOW.getTime() / 1_000 + 120);
    const handler: FakeHandler = () => ({ status: 429, headers: { 'ratelimit-reset': reset }, body: { error: 'RateLimitExceeded' } });
    const failure = await failureOf(handler, (url) => ({
      platform: 'bluesky',
      service: url,
      identifier: 'hub.test',
      password: 'p',
      text: 'Hi',
    }));
    expect(failure).toMatchObject({ kind: 'retry', status: 429, delayMs: 120_000, limited: true });
  });

  it('a reset header on another error is no wait', async () => {
    const handler: FakeHandler = () => ({ status: 503, headers: { 'x-ratelimit-reset': NOW.toISOString() }, body: { error: 'down' } });
    const failure = await failureOf(handler, (url) => ({ platform: 'mastodon', instance: url, token: 't', text: 'Hi' }));
    expect(failure).toMatchObject({ kind: 'retry', status: 503, limited: false });
    expect(failure.delayMs).toBeUndefined();
  });
});
