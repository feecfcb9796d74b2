import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startApiHub, type ApiHub } from './api-harness.ts';

let hub: ApiHub;
let clock = Date.parse('2026-03-01T10:00:00Z');

beforeAll(async () => {
  hub = await startApiHub({ apiNow: () => new Date(clock) });
});
afterAll(() => hub.stop());

const login = (token: string) =>
  fetch(`${hub.base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });

describe('a client past its failed logins', () => {
  it('is told to come back when its window ends, not always in a minute', async () => {
    for (let i = 0; i < 10; i++) expect((await login('wrong')).status).toBe(401);
    clock += 45_500;
    const blocked = await login(ADMIN_TOKEN);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('15');
    expect(((await blocked.json()) as { error: string }).error).toBe('too many failed logins; try again in 15 s');
    // As a client that honours Retry-After comes back.
    clock += 15_000;
    expect((await login(ADMIN_TOKEN)).status).toBe(200);
  });
});
