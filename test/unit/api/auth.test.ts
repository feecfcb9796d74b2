import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type ApiToken } from '../../../src/api/auth.ts';
import { createSessionRevocations, SESSION_REVOCATIONS_BUCKET, type SessionRevocations } from '../../../src/api/session-revocations.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

const TOKENS: ApiToken[] = [
  { name: 'alice', token: 'a'.repeat(40), role: 'admin' },
  { name: 'victor', token: 'v'.repeat(40), role: 'viewer' },
];
let clock = Date.parse('2026-01-31T12:00:00Z');
const now = () => new Date(clock);
let bus: EventBus;
let revocations: SessionRevocations;
beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  revocations = createSessionRevocations({ kv: bus.kv(SESSION_REVOCATIONS_BUCKET), now, logger: silentLogger });
});
afterAll(() => bus.close());

describe('bearer tokens', () => {
  it('maps each token to its holder and role', () => {
    const auth = createAuthenticator(TOKENS, { ttlMs: 3_600_000, now, revocations });
    expect(auth.bearer(`Bearer ${'a'.repeat(40)}`)).toEqual({ name: 'alice', role: 'admin', via: 'bearer' });
    expect(auth.bearer(`bearer ${'v'.repeat(40)}`)).toEqual({ name: 'victor', role: 'viewer', via: 'bearer' });
  });
  it('refuses prefixes, extensions, other schemes and empty headers', () => {
    const auth = createAuthenticator(TOKENS, { ttlMs: 3_600_000, now, revocations });
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
    const auth = createAuthenticator(TOKENS, { ttlMs: 3_600_000, now, revocations });
    const login = auth.login('v'.repeat(40))!;
    expect(login.cookie).not.toContain('v'.repeat(10));
    expect(auth.session(login.cookie)?.principal).toMatchObject({ name: 'victor', role: 'viewer', via: 'session' });
    clock += 3_600_000;
    expect(auth.session(login.cookie)).toBeUndefined();
  });

  it('ends when the token is removed or rotated in config, and takes the role from config', () => {
    const before = createAuthenticator(TOKENS, { ttlMs: 60_000, now, revocations });
    const { cookie } = before.login('v'.repeat(40))!;
    const promoted = createAuthenticator([TOKENS[0]!, { name: 'victor', token: 'v'.repeat(40), role: 'admin' }], {
      ttlMs: 60_000,
      now,
      revocations,
    });
    expect(promoted.session(cookie)?.principal.role).toBe('admin');
    const rotated = createAuthenticator([TOKENS[0]!, { name: 'victor', token: 'w'.repeat(40), role: 'viewer' }], {
      ttlMs: 60_000,
      now,
      revocations,
    });
    expect(rotated.session(cookie)).toBeUndefined();
  });

  it('binds the CSRF token to the session and revokes on logout', async () => {
    const auth = createAuthenticator(TOKENS, { ttlMs: 60_000, now, revocations });
    const a = auth.login('a'.repeat(40))!;
    const b = auth.login('a'.repeat(40))!;
    const session = auth.session(a.cookie)!;
    expect(auth.checkCsrf(session, a.session.csrfToken)).toBe(true);
    expect(auth.checkCsrf(session, b.session.csrfToken)).toBe(false);
    expect(auth.checkCsrf(session, undefined)).toBe(false);
    await auth.logout(a.cookie);
    expect(auth.session(a.cookie)).toBeUndefined();
    expect(auth.session(b.cookie)).toBeDefined();
  });

  it('rejects malformed and oversized cookies without throwing', async () => {
    const auth = createAuthenticator(TOKENS, { ttlMs: 60_000, now, revocations });
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
      await expect(auth.logout(cookie)).resolves.toBeUndefined();
    }
  });
});
