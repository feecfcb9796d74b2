import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer, prPayload, RULES, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

let hub: ApiHub;
const EVT = 'auth-evt-1';

type Access = 'viewer' | 'admin';
/** Every endpoint, with the role it needs and a body that makes the call meaningful. */
const ENDPOINTS: [method: string, path: string, access: Access, body?: unknown][] = [
  ['GET', '/api/events', 'viewer'],
  ['GET', '/api/events/stream', 'viewer'],
  ['GET', `/api/statuses?ids=${EVT}`, 'viewer'],
  ['GET', `/api/events/${EVT}`, 'viewer'],
  ['GET', `/api/events/${EVT}/jobs`, 'viewer'],
  ['POST', `/api/events/${EVT}/replay`, 'viewer', { dryRun: true }],
  ['POST', `/api/events/${EVT}/replay`, 'admin', {}],
  ['GET', '/api/dlq', 'viewer'],
  ['POST', '/api/dlq/no-such-job/retry', 'admin'],
  ['POST', '/api/dlq/retry', 'admin', { ids: ['no-such-job'] }],
  ['GET', '/api/rules', 'viewer'],
  ['POST', '/api/rules/validate', 'viewer', { yaml: RULES }],
  ['POST', '/api/rules/backtest', 'viewer', { yaml: RULES, last: 10 }],
  ['GET', '/api/connectors', 'viewer'],
  ['GET', '/api/channels', 'viewer'],
  ['GET', '/api/session', 'viewer'],
  ['DELETE', '/api/session', 'viewer'],
];

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Response> {
  const controller = new AbortController();
  const res = await fetch(`${hub.base}${path}`, {
    method,
    signal: controller.signal,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // The live stream never ends by itself: the status is all this needs.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) controller.abort();
  return res;
}

beforeAll(async () => {
  hub = await startApiHub();
  expect((await hub.sendGithub('pull_request', prPayload(1), EVT)).status).toBe(202);
  await eventually(async () => (await hub.bus.records(EVT)).length > 0, 10_000, 'routing');
});
afterAll(() => hub.stop());

describe('every endpoint and role', () => {
  it.each(ENDPOINTS)('%s %s refuses calls without a valid token', async (method, path, _access, body) => {
    const none = await call(method, path, {}, body);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="hookhub"');
    expect((await call(method, path, bearer('x'.repeat(40)), body)).status).toBe(401);
    expect((await call(method, path, { authorization: `Basic ${Buffer.from(`a:${ADMIN_TOKEN}`).toString('base64')}` }, body)).status).toBe(
      401,
    );
    expect(
      (await call(method, path, { cookie: 'hookhub_session=eyJuIjoiYWxpY2UiLCJlIjo5OTk5OTk5OTk5OTk5LCJzIjoieCJ9.forged' }, body)).status,
    ).toBe(401);
  });

  it.each(ENDPOINTS)('%s %s: viewers get what needs viewer, 403 for admin', async (method, path, access, body) => {
    const res = await call(method, path, bearer(VIEWER_TOKEN), body);
    if (access === 'admin') {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toContain('admin');
    } else {
      expect(res.status).toBeLessThan(300);
    }
  });

  it.each(ENDPOINTS)('%s %s: admins get everything', async (method, path, _access, body) => {
    const res = await call(method, path, bearer(ADMIN_TOKEN), body);
    // Retrying an unknown dead letter is authorized but finds nothing.
    if (path === '/api/dlq/no-such-job/retry') expect(res.status).toBe(404);
    else expect(res.status).toBeLessThan(300);
  });
});

describe('HTTP hygiene', () => {
  it('answers 404 for unknown API paths and 405 with Allow for wrong methods', async () => {
    expect((await call('GET', '/api/nope', bearer(ADMIN_TOKEN))).status).toBe(404);
    const wrong = await call('PUT', '/api/dlq', bearer(ADMIN_TOKEN));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('refuses bodies that are not JSON objects, or too large', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${hub.base}/api/rules/validate`, { method: 'POST', headers: { ...bearer(VIEWER_TOKEN), 'content-type': type }, body });
    expect((await post('rules: []', 'text/plain')).status).toBe(415);
    expect((await post('{nope')).status).toBe(400);
    expect((await post('[1]')).status).toBe(400);
    expect((await post(JSON.stringify({ yaml: 'x'.repeat(600 * 1024) }))).status).toBe(413);
  });

  it('sends helmet-style security headers and a CSP without inline scripts on pages and API', async () => {
    for (const path of ['/', '/login', '/api/events']) {
      const res = await fetch(`${hub.base}${path}`, { headers: bearer(VIEWER_TOKEN) });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
    expect((await fetch(`${hub.base}/api/events`, { headers: bearer(VIEWER_TOKEN) })).headers.get('cache-control')).toBe('no-store');
  });

  it('serves only the dashboard files, with no inline script in any page', async () => {
    for (const path of ['/', '/login', '/event', '/dlq', '/connectors', '/rules']) {
      const res = await fetch(`${hub.base}${path}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/);
    }
    for (const path of ['/assets/../../package.json', '/assets/%2e%2e/%2e%2e/package.json', '/package.json', '/src/api/auth.ts'])
      expect((await fetch(`${hub.base}${path}`)).status).toBe(404);
  });

  it('keeps /hooks, /healthz and /readyz as they were', async () => {
    expect((await fetch(`${hub.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${hub.base}/readyz`)).status).toBe(200);
    expect(
      (await fetch(`${hub.base}/hooks/github`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
    ).toBe(401);
  });
});
