import { describe, expect, it } from 'vitest';
import { createConnectorActivity, hintFor } from '../../../src/api/connector-activity.ts';
import { matchRoute, type Route } from '../../../src/api/api-router.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { inferCircuit } from '../../../src/operations/channel-health.ts';
import { redactHeaders } from '../../../src/operations/header-policy.ts';
import { maskUrl, redactFields, redactParams } from '../../../src/operations/redact.ts';

describe('redaction', () => {
  it('masks credential and signature headers, keeping their length only', () => {
    const headers = redactHeaders({
      authorization: 'Bearer abc',
      'x-hub-signature-256': 'sha256=ff',
      'stripe-signature': 't=1,v1=aa',
      cookie: 'a=b',
      'x-api-key': 'k',
      'x-github-delivery': 'd-1',
      'content-type': 'application/json',
      accept: ['a', 'b'],
    });
    expect(headers).toEqual({
      authorization: '[redacted, 10 chars]',
      'x-hub-signature-256': '[redacted, 9 chars]',
      'stripe-signature': '[redacted, 9 chars]',
      cookie: '[redacted, 3 chars]',
      'x-api-key': '[redacted, 1 chars]',
      'x-github-delivery': 'd-1',
      'content-type': 'application/json',
      accept: 'a, b',
    });
  });
  it('masks secret-named fields at any depth of rendered params', () => {
    expect(
      redactFields({
        url: 'https://x',
        headers: { Authorization: 'Bearer t', 'X-Source': 'hookhub' },
        signing: { secret: 'whsec_x' },
        list: [{ token: 'abc' }],
      }),
    ).toEqual({
      url: 'https://x',
      headers: { Authorization: '[redacted, 8 chars]', 'X-Source': 'hookhub' },
      signing: { secret: '[redacted, 7 chars]' },
      list: [{ token: '[redacted, 3 chars]' }],
    });
  });

  it.each([
    ['https://hooks.slack.com/services/T0/B0/abcdef', 'https://hooks.slack.com/[redacted, 21 chars]'],
    ['https://discord.com/api/webhooks/123/tok', 'https://discord.com/[redacted, 20 chars]'],
    ['https://example.com?token=abc', 'https://example.com/[redacted, 10 chars]'],
    ['http://user:pw@example.com:8080/', 'http://example.com:8080/[redacted, 8 chars]'],
    ['https://example.com', 'https://example.com'],
    ['https://example.com/', 'https://example.com/'],
    ['not a url /secret', '[redacted, 17 chars]'],
  ])('shows a destination URL by its origin: %s', (url, shown) => {
    expect(maskUrl(url)).toBe(shown);
    expect(maskUrl(shown)).toBe(shown);
  });

  it('keeps the length of the secret when a result is masked twice (a backtest masks its jobs, then the whole)', () => {
    const once = redactFields({ action: 'webhook', params: { secret: 'whsec_0123456789', url: 'https://h.example/t/abc' } });
    expect(redactFields(once)).toEqual(once);
    expect(once).toEqual({ action: 'webhook', params: { secret: '[redacted, 16 chars]', url: 'https://h.example/[redacted, 5 chars]' } });
  });

  it("masks a webhook's url, alone or in the jobs of a result, and leaves other actions' links", () => {
    const params = { url: 'https://hooks.slack.com/services/T0/B0/abcdef', body: { url: 'https://github.com/acme/api/pull/1' } };
    const shown = { ...params, url: 'https://hooks.slack.com/[redacted, 21 chars]' };
    expect(redactParams('webhook', params)).toEqual(shown);
    expect(redactFields({ jobs: [{ action: 'webhook', params }] })).toEqual({ jobs: [{ action: 'webhook', params: shown }] });
    const notify = { channel: 'eng', text: 'hi', url: 'https://github.com/acme/api/pull/1' };
    expect(redactParams('notify', notify)).toEqual(notify);
  });
});

describe('connector activity', () => {
  const observe = (
    activity: ReturnType<typeof createConnectorActivity>,
    connector: string,
    status: number,
    headers: Record<string, string> = {},
  ) => activity.observe({ connector, method: 'POST', status, headers, time: new Date('2026-01-31T12:00:00Z'), durationMs: 1.234 });

  it('counts answers per connector, keeps the last error with a hint, and buckets unknown names', () => {
    const activity = createConnectorActivity({ connectors: ['github'] });
    observe(activity, 'github', 202);
    observe(activity, 'github', 401);
    observe(activity, 'github', 503);
    for (let i = 0; i < 50; i++) observe(activity, `random-${i}`, 404);
    expect(activity.counts('github')).toMatchObject({
      accepted: 1,
      rejected: 1,
      failed: 1,
      lastError: { status: 503, hint: hintFor(503) },
    });
    expect(activity.counts('_unknown').rejected).toBe(50);
    expect(activity.counts('random-1').rejected).toBe(0);
  });

  it('finds the request that carried an event by a header holding its id, within a bounded ring', () => {
    const activity = createConnectorActivity({ connectors: ['github'], capacity: 3 });
    observe(activity, 'github', 202, { 'x-github-delivery': 'd-1', 'x-hub-signature-256': 'sha256=00' });
    const event = createHubEvent({ id: 'd-1', type: 'github.push', connector: 'github', data: {} });
    expect(activity.requestFor(event)?.headers).toEqual({ 'x-github-delivery': 'd-1', 'x-hub-signature-256': '[redacted, 9 chars]' });
    for (let i = 0; i < 3; i++) observe(activity, 'github', 202, { 'x-github-delivery': `other-${i}` });
    expect(activity.requestFor(event)).toBeUndefined();
  });
});

describe('API routing', () => {
  const route = (method: Route['method'], path: string): Route => ({ method, path, access: 'viewer', handle: () => undefined });
  const routes = [route('GET', '/api/events'), route('GET', '/api/events/:id'), route('POST', '/api/events/:id/replay')];
  it('matches params (URL-decoded) and lists allowed methods', () => {
    expect(matchRoute(routes, 'GET', '/api/events/a%3Ab%2Fc').matched?.params).toEqual({ id: 'a:b/c' });
    expect(matchRoute(routes, 'HEAD', '/api/events').matched?.route.path).toBe('/api/events');
    expect(matchRoute(routes, 'DELETE', '/api/events/x/replay')).toEqual({ allowed: ['POST'] });
    expect(matchRoute(routes, 'GET', '/api/events/%E0%A4%A').matched).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/api/events/').matched).toBeUndefined();
  });
});

describe('circuit state inferred from recorded attempts', () => {
  const at = (s: number, outcome: string) => ({ time: new Date(Date.UTC(2026, 0, 31, 12, 0, s)).toISOString(), outcome });
  const now = new Date(Date.UTC(2026, 0, 31, 12, 0, 20));
  it('opens after N retryable failures in a row, half-opens after the cooldown; 4xx never count', () => {
    const five = [1, 2, 3, 4, 5].map((s) => at(s, 'retry'));
    expect(inferCircuit(five, {}, now)).toBe('open');
    expect(inferCircuit(five, { circuitBreaker: { cooldown: 10_000 } }, now)).toBe('half-open');
    expect(inferCircuit(five, { circuitBreaker: { failures: 6 } }, now)).toBe('closed');
    expect(inferCircuit([...five, at(6, 'success')], {}, now)).toBe('closed');
    expect(inferCircuit([at(1, 'failed'), at(2, 'failed'), at(3, 'failed'), at(4, 'failed'), at(5, 'failed')], {}, now)).toBe('closed');
    expect(inferCircuit([], {}, now)).toBe('closed');
  });
});
