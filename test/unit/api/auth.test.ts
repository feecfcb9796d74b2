import { describe, expect, it } from 'vitest';
import { createAuthenticator, type ApiToken } from '../../../src/api/auth.ts';

const TOKENS: ApiToken[] = [
  { name: 'alice', token: 'a'.repeat(40), role: 'admin' },
  { name: 'victor', token: 'v'.repeat(40), role: 'viewer' },
];
let clock = Date.parse('2026-01-31T12:00:00Z');
const now = () => new Date(clock);

describe('bearer tokens', () => {
  const auth = createAuthenticator(TOKENS, { ttlMs: 3_600_000, now });
  it('maps each token to its holder and role', () => {
    expect(auth.bearer(`Bearer ${'a'.repeat(40)}`)).toEqual({ name: 'alice', role: 'admin', via: 'bearer' });
    expect(auth.bearer(`bearer ${'v'.repeat(40)}`)).toEqual({ name: 'victor', role: 'viewer', via: 'bearer' });
  });
  it('refuses prefixes, extensions, other schemes and empty headers', () => {
    for (const header of [
      `Bearer ${'a'.repeat(39)}`,
      `Bearer ${'a'.repeat(41)}`,
      `Basic ${'a'.repeat(40)}`,
      'Bearer',
      '',
      undefined,
      `Bearer ${'a'.repeat(40)} extra`,
    ]) {
      expect(auth.bearer(header)).toBeUndefined();
    }
  });
});

describe('dashboard sessions', () => {
  it('signs a session that carries no token and expires after the TTL', () => {
    const auth = createAuthenticator(TOKENS, { ttlMs: 3_600_000, now });
    const login = auth.login('v'.repeat(40))!;
    expect(login.cookie).not.toContain('v'.repeat(10));
    expect(auth.session(login.cookie)?.principal).toMatchObject({ name: 'victor', role: 'viewer', via: 'session' });
    clock += 3_600_000;
    expect(auth.session(login.cookie)).toBeUndefined();
  });

  it('ends when the token is removed or rotated in config, and takes the role from config', () => {
    const before = createAuthenticator(TOKENS, { ttlMs: 60_000, now });
    const { cookie } = before.login('v'.repeat(40))!;
    const promoted = createAuthenticator([TOKENS[0]!, { name: 'victor', token: 'v'.repeat(40), role: 'admin' }], { ttlMs: 60_000, now });
    expect(promoted.session(cookie)?.principal.role).toBe('admin');
    const rotated = createAuthenticator([TOKENS[0]!, { name: 'victor', token: 'w'.repeat(40), role: 'viewer' }], { ttlMs: 60_000, now });
    expect(rotated.session(cookie)).toBeUndefined();
  });

  it('binds the CSRF token to the session and revokes on logout', () => {
    const auth = createAuthenticator(TOKENS, { ttlMs: 60_000, now });
    const a = auth.login('a'.repeat(40))!;
    const b = auth.login('a'.repeat(40))!;
    const session = auth.session(a.cookie)!;
    expect(auth.checkCsrf(session, a.session.csrfToken)).toBe(true);
    expect(auth.checkCsrf(session, b.session.csrfToken)).toBe(false);
    expect(auth.checkCsrf(session, undefined)).toBe(false);
    auth.logout(a.cookie);
    expect(auth.session(a.cookie)).toBeUndefined();
    expect(auth.session(b.cookie)).toBeDefined();
  });

  it('rejects malformed and oversized cookies without throwing', () => {
    const auth = createAuthenticator(TOKENS, { ttlMs: 60_000, now });
    for (const cookie of [
      '',
      'x',
      'x.y',
      '%%%.%%%',
      `${Buffer.from('{"n":"alice","e":1e20,"s":"x"}').toString('base64url')}.AAAA`,
      'a'.repeat(600),
      // Valid JSON that is not an object: `null` has no properties to read.
      `${Buffer.from('null').toString('base64url')}.AAAA`,
      `${Buffer.from('7').toString('base64url')}.AAAA`,
    ]) {
      expect(auth.session(cookie)).toBeUndefined();
      expect(() => auth.logout(cookie)).not.toThrow();
    }
  });
});
