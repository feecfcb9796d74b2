import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../connectors/shared/safe-equal.ts';
import type { SessionRevocations } from './session-revocations.ts';

export type Role = 'viewer' | 'admin';

export interface ApiToken {
  name: string;
  token: string;
  role: Role;
}

export interface Principal {
  name: string;
  role: Role;
  via: 'bearer' | 'session';
  /** When a dashboard session ends (ms since epoch); live streams close then. */
  expiresAt?: number;
}

export interface Session {
  principal: Principal;
  /** Sent by the page in `x-csrf-token` on every mutation. */
  csrfToken: string;
  expiresAt: number;
}

export interface Authenticator {
  /** `Authorization: Bearer <token>` → who, or undefined. Constant time over every configured token. */
  bearer(header: string | undefined): Principal | undefined;
  /** A token typed into the login page → a signed session cookie value. */
  login(token: string): { cookie: string; session: Session } | undefined;
  session(cookie: string | undefined): Session | undefined;
  /**
   * Ends the session on every hub process sharing the bus (the others within their refresh interval).
   * Rejects, and ends nothing, when the logout could not be recorded in the bus.
   */
  logout(cookie: string | undefined): Promise<void>;
  /** Constant-time check of a page's CSRF token against its session. */
  checkCsrf(session: Session, presented: string | undefined): boolean;
}

const b64 = (buffer: Buffer): string => buffer.toString('base64url');

/**
 * Bearer tokens from config, and stateless dashboard sessions: the cookie is
 * `base64url({name, exp, nonce}).HMAC(key(token), payload)`, keyed by the holder's token. Every hub
 * process sharing the config accepts it; removing or rotating a token ends its sessions; the role is
 * read from config on each request. Logout revokes the nonce in `revocations`, which the processes share
 * through the bus.
 */
export function createAuthenticator(
  tokens: readonly ApiToken[],
  options: { ttlMs: number; now: () => Date; revocations: SessionRevocations },
): Authenticator {
  const keys: Keys = new Map(
    tokens.map((t) => [t.name, { role: t.role, key: createHmac('sha256', t.token).update('hookhub-session-v1').digest() }]),
  );
  const { revocations } = options;
  const open = (cookie: string | undefined) => openCookie(cookie, keys, revocations, options.now().getTime());

  return {
    bearer(header) {
      return bearerPrincipal(tokens, header);
    },
    login(token) {
      const principal = this.bearer(`Bearer ${token}`);
      const holder = principal && keys.get(principal.name);
      if (!principal || !holder) return undefined;
      return newSession(principal, holder.key, options);
    },
    session(cookie) {
      const opened = open(cookie);
      if (!opened) return undefined;
      const { nonce: _nonce, ...session } = opened;
      return session;
    },
    async logout(cookie) {
      const opened = open(cookie);
      if (opened) await revocations.revoke(opened.nonce, opened.expiresAt);
    },
    checkCsrf(session, presented) {
      return typeof presented === 'string' && safeEqual(session.csrfToken, presented);
    },
  };
}

/** The principal of the configured token a bearer header presents, compared with every token. */
function bearerPrincipal(tokens: readonly ApiToken[], header: string | undefined): Principal | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  let found: ApiToken | undefined;
  // No early exit: the time taken does not depend on which token (if any) matched.
  for (const candidate of tokens) if (safeEqual(candidate.token, match[1]) && !found) found = candidate;
  return found ? { name: found.name, role: found.role, via: 'bearer' } : undefined;
}

/** A fresh session for the principal: its cookie, signed with the key of the holder's token. */
function newSession(principal: Principal, key: Buffer, options: { ttlMs: number; now: () => Date }): { cookie: string; session: Session } {
  const nonce = b64(randomBytes(18));
  const expiresAt = options.now().getTime() + options.ttlMs;
  const payload = b64(Buffer.from(JSON.stringify({ n: principal.name, e: expiresAt, s: nonce })));
  const cookie = `${payload}.${b64(createHmac('sha256', key).update(payload).digest())}`;
  return { cookie, session: { principal: { ...principal, via: 'session' }, csrfToken: csrfOf(key, nonce), expiresAt } };
}

type Keys = ReadonlyMap<string, { role: Role; key: Buffer }>;

const csrfOf = (key: Buffer, nonce: string): string => b64(createHmac('sha256', key).update(`csrf:${nonce}`).digest());

/** Verifies a session cookie's MAC (constant time), expiry and revocation; the role comes from config. */
function openCookie(
  cookie: string | undefined,
  keys: Keys,
  revoked: Pick<SessionRevocations, 'has'>,
  now: number,
): (Session & { nonce: string }) | undefined {
  if (!cookie || cookie.length > 512) return undefined;
  const [payload, mac] = cookie.split('.');
  if (!payload || !mac) return undefined;
  let claims: { n?: unknown; e?: unknown; s?: unknown } | null;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  if (typeof claims.n !== 'string' || typeof claims.e !== 'number' || typeof claims.s !== 'string') return undefined;
  // Only nonces login makes (18 random bytes): a logout writes the nonce as a key of the shared bucket.
  if (!/^[\w-]{24}$/.test(claims.s)) return undefined;
  const holder = keys.get(claims.n);
  if (!holder) return undefined;
  const expected = b64(createHmac('sha256', holder.key).update(payload).digest());
  if (!safeEqual(expected, mac)) return undefined;
  if (claims.e <= now || revoked.has(claims.s)) return undefined;
  const principal: Principal = { name: claims.n, role: holder.role, via: 'session', expiresAt: claims.e };
  return { principal, csrfToken: csrfOf(holder.key, claims.s), expiresAt: claims.e, nonce: claims.s };
}
