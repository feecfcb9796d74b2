import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listHooks } from '../../src/github/hooks-api.ts';
import { createGithubClient } from '../../src/github/github-client.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { stringContaining } from '../helpers/matchers.ts';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const other = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
let time = Date.parse('2026-03-01T09:00:00Z');
const now = () => new Date(time);
const minutes = (n: number) => (time += n * 60_000);
let fake: FakeGithub;
const api = parseHookTarget('acme/api');

beforeAll(async () => {
  fake = await startFakeGithub({ now, app: { appId: '31337', installationId: 42, publicKey: keys.publicKey } });
  fake.addRepo('acme/api');
});
afterAll(() => fake.close());

const appClient = (privateKey: string, refreshed: Date[] = []) =>
  createGithubClient({
    apiUrl: fake.url,
    auth: { app: { appId: '31337', privateKey, installationId: 42 } },
    now,
    logger: silentLogger,
    retries: 0,
    onTokenRefresh: (d) => refreshed.push(d),
  });

describe('GitHub App installation tokens', () => {
  it('mints a token with a signed JWT, reuses it, and mints a new one 5 minutes before it expires', async () => {
    const refreshed: Date[] = [];
    const client = appClient(keys.privateKey, refreshed);
    await listHooks(client, api);
    expect(fake.issuedTokens).toHaveLength(1);
    minutes(50);
    await listHooks(client, api);
    expect(fake.issuedTokens).toHaveLength(1);
    minutes(6); // 56 min: the 1 h token has 4 min left
    await listHooks(client, api);
    expect(fake.issuedTokens).toHaveLength(2);
    minutes(30); // the first token has expired; the second is used
    await listHooks(client, api);
    expect(fake.issuedTokens).toHaveLength(2);
    expect(refreshed.map((d) => d.toISOString())).toEqual(fake.issuedTokens.map((t) => t.expiresAt.toISOString()));
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it("fails with GitHub's message, and the settings to check, when the JWT is signed with the wrong key", async () => {
    await expect(listHooks(appClient(other.privateKey), api)).rejects.toMatchObject({
      message: stringContaining('GitHub refused the JWT of App 31337 (GitHub answered 401: A JSON web token could not be decoded'),
    });
    await expect(listHooks(appClient(other.privateKey), api)).rejects.toMatchObject({
      message: stringContaining('check app.appId and that app.privateKey is a current key of that App'),
    });
  });

  it('accepts a private key with escaped newlines, as environment variables carry it', async () => {
    const escaped = keys.privateKey.replace(/\n/g, '\\n');
    await expect(listHooks(appClient(escaped), api)).resolves.toEqual([]);
  });
});
