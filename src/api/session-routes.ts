import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Authenticator } from './auth.ts';
import type { Route } from './api-router.ts';
import { ApiError, isHttps, parseCookies, readJsonBody } from './http-kit.ts';
import { checkSameOrigin } from './csrf.ts';
import { createLoginThrottle, type LoginThrottle } from './login-throttle.ts';
import { sendJson } from '../http/inbound.ts';

export const SESSION_COOKIE = 'hookhub_session';
/** With https the `__Host-` prefix pins the cookie to this host, path / and Secure. */
export const SECURE_SESSION_COOKIE = '__Host-hookhub_session';

/**
 * The same words whatever this hub has configured, so an anonymous caller learns nothing beyond the
 * README: where a valid token is, never whether there is one.
 */
export const WRONG_TOKEN_MESSAGE =
  'that token is not valid here: use a token from api.tokens in hookhub.yaml or, when hookhub.yaml sets none, ' +
  "the admin token hookhub start wrote to admin-token in the hub's data folder (its start log names the file)";

export function sessionCookieOf(req: IncomingMessage): string | undefined {
  const cookies = parseCookies(req.headers.cookie);
  return cookies.get(SECURE_SESSION_COOKIE) ?? cookies.get(SESSION_COOKIE);
}

export interface SessionRouteDeps {
  auth: Authenticator;
  publicUrl: string | undefined;
  ttlMs: number;
  now: () => Date;
  logger: Logger;
  /** Who a login came from, for the failed-login throttle (client-address.ts). */
  clientAddress: (req: IncomingMessage) => string;
}

/** POST /api/session logs in with a token (sets the cookie), GET says who is logged in, DELETE logs out. */
export function sessionRoutes(deps: SessionRouteDeps): Route[] {
  const failures = createLoginThrottle(deps.now);
  return [
    loginRoute(deps, failures),
    {
      method: 'GET',
      path: '/api/session',
      access: 'viewer',
      handle({ req, res, principal }) {
        const session = principal.via === 'session' ? deps.auth.session(sessionCookieOf(req)) : undefined;
        sendJson(res, 200, {
          name: principal.name,
          role: principal.role,
          via: principal.via,
          ...(session ? { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() } : {}),
        });
      },
    },
    {
      method: 'DELETE',
      path: '/api/session',
      access: 'viewer',
      async handle({ req, res }) {
        await logout(deps, sessionCookieOf(req));
        setSessionCookie(deps, req, res, '', 0);
        sendJson(res, 200, { loggedOut: true });
      },
    },
  ];
}

/** Sets the session cookie (the Secure one over HTTPS); an empty value with max-age 0 clears it. */
function setSessionCookie(deps: SessionRouteDeps, req: IncomingMessage, res: ServerResponse, value: string, maxAgeS: number): void {
  const secure = isHttps(req, deps.publicUrl?.startsWith('https:') ?? false);
  const name = secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
  res.setHeader('set-cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`);
}

/** POST /api/session: a token for a session cookie, with failed logins throttled per client. */
function loginRoute(deps: SessionRouteDeps, failures: LoginThrottle): Route {
  return {
    method: 'POST',
    path: '/api/session',
    access: 'public',
    async handle({ req, res }) {
      // Login CSRF: a cross-site page must not log a victim into the attacker's session.
      checkSameOrigin(req, deps.publicUrl);
      const client = deps.clientAddress(req);
      const body = await readJsonBody(req, 4096);
      // Checked after the body's await, with no await between the check and the failure count: guesses
      // whose bodies arrive together would otherwise all pass the check before the first had failed.
      if (failures.blocked(client)) {
        const wait = failures.retryAfterSeconds(client);
        throw new ApiError(429, `too many failed logins; try again in ${wait} s`, { 'retry-after': String(wait) });
      }
      const login = typeof body.token === 'string' ? deps.auth.login(body.token.trim()) : undefined;
      if (!login) {
        failures.fail(client);
        throw new ApiError(401, WRONG_TOKEN_MESSAGE);
      }
      setSessionCookie(deps, req, res, login.cookie, Math.floor(deps.ttlMs / 1000));
      const { principal, csrfToken, expiresAt } = login.session;
      sendJson(res, 200, { name: principal.name, role: principal.role, csrfToken, expiresAt: new Date(expiresAt).toISOString() });
    },
  };
}

/**
 * Records the logout for every hub process, or says it could not: the cookie is kept (so the page can try
 * again) and the answer does not pretend the session ended.
 */
async function logout(deps: SessionRouteDeps, cookie: string | undefined): Promise<void> {
  try {
    await deps.auth.logout(cookie);
  } catch (error) {
    deps.logger.error({ err: error }, 'logout could not be recorded in the bus; the session still works');
    const until = deps.auth.session(cookie)?.expiresAt;
    throw new ApiError(
      503,
      `logout could not be recorded (the bus did not take it): this session still works on every hub process${until === undefined ? '' : ` until ${new Date(until).toISOString()}`}; try again`,
      { 'retry-after': '5' },
    );
  }
}
