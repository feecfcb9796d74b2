import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listHooks } from '../../src/github/hooks-api.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { fakeClient } from '../helpers/fake-github-hub.ts';
import { eventually } from '../helpers/hub-fixtures.ts';

let fake: FakeGithub;
const api = parseHookTarget('acme/api');
const since = (start: number) => fake.requests.filter((r) => r.at >= start);

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_test'] });
  fake.addRepo('acme/api');
});
afterAll(() => fake.close());
beforeEach(() => fake.setRateLimit(5000, new Date(Date.now() + 3600_000)));

// These wait for real (a reset 2 s ahead): the point is that the client waits instead of hammering.
describe('GitHub API rate limits', () => {
  it('stops at x-ratelimit-remaining: 0 and sends nothing until the reset', async () => {
    const client = fakeClient(fake.url);
    const reset = Math.ceil(Date.now() / 1000) + 2;
    fake.setRateLimit(1, new Date(reset * 1000));
    const start = Date.now();
    await listHooks(client, api);
    await listHooks(client, api);
    const seen = since(start);
    expect(seen.map((r) => r.status)).toEqual([200, 200]);
    expect(seen[1]?.at).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('after a 403 "rate limit exceeded", waits for the reset and retries once', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 2;
    fake.setRateLimit(0, new Date(reset * 1000));
    const start = Date.now();
    await listHooks(fakeClient(fake.url), api);
    const seen = since(start);
    expect(seen.map((r) => r.status)).toEqual([403, 200]);
    expect(seen[1]?.at).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('after a secondary rate limit, waits retry-after seconds and retries', async () => {
    fake.secondaryLimitOnce(1);
    const start = Date.now();
    await listHooks(fakeClient(fake.url), api);
    const seen = since(start);
    expect(seen.map((r) => r.status)).toEqual([403, 200]);
    expect((seen[1]?.at ?? 0) - (seen[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('after a secondary rate limit answered 429, sends nothing more until retry-after has passed', async () => {
    // The hub's own retry count: 429 must not also go through the 5xx retries, which wait 1 s, 4 s, 9 s whatever retry-after says.
    fake.secondaryLimitFor(2, 429);
    const start = Date.now();
    await listHooks(fakeClient(fake.url, 'ghp_test', { retries: 3 }), api);
    expect(since(start).map((r) => r.status)).toEqual([429, 200]);
  });

  it('after a secondary rate limit whose retry-after is longer than the caller waits, sends nothing more until it has passed', async () => {
    fake.secondaryLimitFor(600, 403);
    const client = fakeClient(fake.url, 'ghp_test', { maxRateLimitWaitMs: 60_000 });
    const start = Date.now();
    await expect(listHooks(client, api)).rejects.toMatchObject({ status: 403 });
    await expect(listHooks(client, api)).rejects.toThrow(/secondary rate limit: GitHub asked for no requests until/);
    await expect(listHooks(client, api)).rejects.toThrow(/secondary rate limit/);
    expect(since(start).map((r) => r.status)).toEqual([403]);
    fake.secondaryLimitFor(0, 403);
  });

  it('waits out a 429 not worded as a secondary limit for its retry-after, then retries', async () => {
    // GitHub answers any rate limit 403 or 429; a 429 is one whatever its words (it used to fail at once, unretried).
    fake.tooManyRequestsOnce(1);
    const start = Date.now();
    await listHooks(fakeClient(fake.url, 'ghp_test', { retries: 3 }), api);
    expect(since(start).map((r) => r.status)).toEqual([429, 200]);
  });

  it("ends a wait for the reset when the client's signal aborts (its owner stopping), sending nothing more", async () => {
    fake.setRateLimit(0, new Date(Date.now() + 600_000));
    const stopping = new AbortController();
    const client = fakeClient(fake.url, 'ghp_test', { maxRateLimitWaitMs: 3_600_000, signal: stopping.signal });
    const start = Date.now();
    const call = listHooks(client, api);
    await eventually(() => since(start).length === 1, 10_000, 'the 403');
    stopping.abort(new Error('hub stopping'));
    await expect(call).rejects.toThrow('hub stopping');
    expect(since(start).map((r) => r.status)).toEqual([403]);
  });

  it("ends a call's wait for the reset when its own request signal aborts", async () => {
    fake.setRateLimit(0, new Date(Date.now() + 600_000));
    const attempt = new AbortController();
    const client = fakeClient(fake.url, 'ghp_test', { maxRateLimitWaitMs: 3_600_000 });
    const start = Date.now();
    const call = client.request('GET /repos/{owner}/{repo}/hooks', { owner: 'acme', repo: 'api', request: { signal: attempt.signal } });
    await eventually(() => since(start).length === 1, 10_000, 'the 403');
    attempt.abort(new Error('attempt over'));
    await expect(call).rejects.toThrow('attempt over');
    expect(since(start)).toHaveLength(1);
  });

  it('fails at once, with one request, when the reset is further away than the caller will wait', async () => {
    fake.setRateLimit(0, new Date(Date.now() + 3600_000));
    const start = Date.now();
    await expect(listHooks(fakeClient(fake.url, 'ghp_test', { maxRateLimitWaitMs: 60_000 }), api)).rejects.toMatchObject({ status: 403 });
    expect(since(start)).toHaveLength(1);
  });
});
