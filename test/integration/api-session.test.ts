import { request } from 'node:http';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRONG_TOKEN_MESSAGE } from '../../src/api/session-routes.ts';
import { ADMIN_TOKEN, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

let hub: ApiHub;
let secureHub: ApiHub;

const json = { 'content-type': 'application/json' };
async function login(target: ApiHub, token: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${target.base}/api/session`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify({ token }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as Record<string, string>;
  return { status: res.status, setCookie, cookie: setCookie.split(';')[0] ?? '', body };
}

beforeAll(async () => {
  hub = await startApiHub();
  secureHub = await startApiHub({ publicUrl: 'https://hooks.example.com' });
});
afterAll(async () => {
  await hub.stop();
  await secureHub.stop();
});

describe('dashboard sessions', () => {
  it('logs in with a token: an HttpOnly, SameSite=Strict cookie (not Secure over plain http) and a CSRF token', async () => {
    const { status, setCookie, body } = await login(hub, ADMIN_TOKEN);
    expect(status).toBe(200);
    expect(setCookie).toMatch(/^hookhub_session=[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(body).toMatchObject({ name: 'alice', role: 'admin' });
    expect(body.csrfToken).toMatch(/^[\w-]{43}$/);
    expect(setCookie).not.toContain(ADMIN_TOKEN);
  });

  it('behind https: a __Host- cookie marked Secure, and HSTS', async () => {
    const { setCookie } = await login(secureHub, VIEWER_TOKEN);
    expect(setCookie).toMatch(/^__Host-hookhub_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);
    const page = await fetch(`${secureHub.base}/`);
    expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('refuses a wrong token, a cross-site login, and more than 10 failures a minute', async () => {
    expect((await login(hub, 'nope')).status).toBe(401);
    const crossOrigin = await login(hub, ADMIN_TOKEN, { origin: 'https://evil.example' });
    expect(crossOrigin.status).toBe(403);
    // The hub's own dashboard behind a proxy that rewrites Host gets this too: it says what to set.
    expect(crossOrigin.body.error).toContain('set server.publicUrl in hookhub.yaml');
    // The refused Origin is quoted, cut short: a header can be many KB.
    const longOrigin = await login(hub, ADMIN_TOKEN, { origin: `https://${'a'.repeat(4_000)}.example` });
    expect(longOrigin.status).toBe(403);
    expect(longOrigin.body.error?.length).toBeLessThan(600);
    expect((await login(hub, ADMIN_TOKEN, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await login(hub, ADMIN_TOKEN, { origin: hub.base })).status).toBe(200);
    for (let i = 0; i < 9; i++) await login(secureHub, 'wrong');
    expect((await login(secureHub, 'wrong')).status).toBe(401);
    const blocked = await login(secureHub, ADMIN_TOKEN);
    expect(blocked.status).toBe(429);
  });

  it('a wrong token is told where a valid one is, without the hub saying whether it has any', async () => {
    const refused = await login(hub, 'a-token-that-is-nowhere-in-the-config-0123456789');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe(WRONG_TOKEN_MESSAGE);
    expect(refused.body.error).toContain('api.tokens in hookhub.yaml');
    expect(refused.body.error).toContain("admin-token in the hub's data folder");
    // Nothing of this hub's own: no token, no token name, no path on this machine.
    for (const own of [ADMIN_TOKEN, VIEWER_TOKEN, 'alice', 'victor', hub.config.file]) expect(refused.body.error).not.toContain(own);
  });

  it('behind a trusted proxy, counts failures per client from X-Forwarded-For, so one client cannot lock out the others', async () => {
    const proxied = await startApiHub({ server: 'trustedProxies: [127.0.0.1, "::1"]' });
    try {
      const from = (client: string) => ({ 'x-forwarded-for': client });
      for (let i = 0; i < 10; i++) expect((await login(proxied, 'wrong', from('203.0.113.7'))).status).toBe(401);
      expect((await login(proxied, ADMIN_TOKEN, from('203.0.113.7'))).status).toBe(429);
      // A client cannot dodge its count by naming another address to the left of what the proxy appended.
      expect((await login(proxied, ADMIN_TOKEN, from('198.51.100.1, 203.0.113.7'))).status).toBe(429);
      expect((await login(proxied, ADMIN_TOKEN, from('198.51.100.9'))).status).toBe(200);
    } finally {
      await proxied.stop();
    }
  });

  it('counts failures sent all at once: 40 guesses whose bodies arrive together get no more than 10 tries', async () => {
    const fresh = await startApiHub();
    try {
      // Every request's headers first, then all the bodies: each guess is in flight before any has failed.
      const guesses = Array.from({ length: 40 }, (_, i) => {
        const body = JSON.stringify({ token: `guess-${i}` });
        const req = request(`${fresh.base}/api/session`, {
          method: 'POST',
          headers: { ...json, 'content-length': Buffer.byteLength(body) },
          agent: false,
        });
        const status = new Promise<number>((resolve, reject) => {
          req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0)));
          req.on('error', reject);
        });
        req.flushHeaders();
        return { req, body, status };
      });
      await setTimeout(300);
      for (const { req, body } of guesses) req.end(body);
      const statuses = await Promise.all(guesses.map((g) => g.status));
      expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(10);
      expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    } finally {
      await fresh.stop();
    }
  });

  it('reads with the cookie; mutations need the CSRF header and a same-origin request', async () => {
    const { cookie, body } = await login(hub, ADMIN_TOKEN);
    const get = await fetch(`${hub.base}/api/dlq`, { headers: { cookie } });
    expect(get.status).toBe(200);
    const retry = (headers: Record<string, string>) =>
      fetch(`${hub.base}/api/dlq/retry`, {
        method: 'POST',
        headers: { cookie, ...json, ...headers },
        body: JSON.stringify({ ids: ['x'] }),
      });
    expect((await retry({})).status).toBe(403);
    expect((await retry({ 'x-csrf-token': 'A'.repeat(43) })).status).toBe(403);
    expect((await retry({ 'x-csrf-token': body.csrfToken ?? '', origin: 'https://evil.example' })).status).toBe(403);
    expect((await retry({ 'x-csrf-token': body.csrfToken ?? '', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const ok = await retry({ 'x-csrf-token': body.csrfToken ?? '', origin: hub.base, 'sec-fetch-site': 'same-origin' });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ retried: [], missing: ['x'], busy: [] });
    // Another session's CSRF token is not this session's.
    const other = await login(hub, ADMIN_TOKEN);
    expect((await retry({ 'x-csrf-token': other.body.csrfToken ?? '' })).status).toBe(403);
  });

  it('applies the role from config to a session: a viewer cannot retry', async () => {
    const { cookie, body } = await login(hub, VIEWER_TOKEN);
    const res = await fetch(`${hub.base}/api/dlq/retry`, {
      method: 'POST',
      headers: { cookie, ...json, 'x-csrf-token': body.csrfToken ?? '' },
      body: JSON.stringify({ all: true }),
    });
    expect(res.status).toBe(403);
    const me = await fetch(`${hub.base}/api/session`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ name: 'victor', role: 'viewer', via: 'session', csrfToken: body.csrfToken });
  });

  it('refuses a tampered cookie, and a logged-out one', async () => {
    const { cookie, body } = await login(hub, ADMIN_TOKEN);
    const [payload, mac] = cookie.split('=')[1]?.split('.') ?? [];
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, n: 'victor' })).toString('base64url');
    expect((await fetch(`${hub.base}/api/events`, { headers: { cookie: `hookhub_session=${forged}.${mac}` } })).status).toBe(401);
    const out = await fetch(`${hub.base}/api/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': body.csrfToken ?? '' } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await fetch(`${hub.base}/api/events`, { headers: { cookie } })).status).toBe(401);
  });

  it('lets a wrong bearer header win over a valid cookie (no confused deputy)', async () => {
    const { cookie } = await login(hub, ADMIN_TOKEN);
    expect((await fetch(`${hub.base}/api/events`, { headers: { cookie, authorization: 'Bearer wrong' } })).status).toBe(401);
  });
});
