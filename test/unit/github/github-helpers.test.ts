import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GithubConfigSchema } from '../../../connectors/github/config.ts';
import { sinceDate } from '../../../src/github/cli/reconcile-command.ts';
import { nextLink } from '../../../src/github/link-header.ts';
import { parseHookTarget, targetsOf } from '../../../src/github/hook-target.ts';
import { hookUrlFor, markUrl, parseMarkedUrl, secretFingerprint } from '../../../src/github/secret-fingerprint.ts';

describe('secret fingerprint marker', () => {
  it('is stable per secret and URL, differs across secrets and URLs, and never contains the secret', async () => {
    const url = hookUrlFor('https://hub.example.com/base/', 'github');
    expect(url).toBe('https://hub.example.com/base/hooks/github');
    const a = await secretFingerprint('s3cret', url);
    expect(a).toMatch(/^[\w-]{12}$/);
    expect(await secretFingerprint('s3cret', url)).toBe(a);
    expect(await secretFingerprint('s3cret2', url)).not.toBe(a);
    expect(await secretFingerprint('s3cret', hookUrlFor('https://hub.example.com', 'gh2'))).not.toBe(a);
    expect(parseMarkedUrl(markUrl(url, a))).toEqual({ url, fingerprint: a });
    expect(parseMarkedUrl(url)).toEqual({ url });
  });
});

describe('nextLink', () => {
  it('finds rel="next" among other relations', () => {
    const header =
      '<https://api.github.com/x?per_page=2&cursor=v1_1>; rel="prev", <https://api.github.com/x?per_page=2&cursor=v1_9>; rel="next"';
    expect(nextLink(header)).toBe('https://api.github.com/x?per_page=2&cursor=v1_9');
    expect(nextLink('<https://api.github.com/x?page=1>; rel="first"')).toBeUndefined();
    expect(nextLink(undefined)).toBeUndefined();
  });
});

describe('targets', () => {
  it('reads owner/repo as a repo and a bare login as an org, without duplicates', () => {
    expect(targetsOf({ repos: ['acme/api', 'acme/api'], orgs: ['acme'] })).toEqual([
      { kind: 'repo', owner: 'acme', repo: 'api' },
      { kind: 'org', org: 'acme' },
    ]);
    expect(() => parseHookTarget('acme/api/x')).toThrow(/neither owner\/repo nor an organization/);
  });
});

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
const KEY = rsa.privateKey;

describe('github connector config', () => {
  const base = { type: 'github', secret: 's' };
  it('accepts token or app, with reconcile and GHES settings', () => {
    const parsed = GithubConfigSchema.parse({
      ...base,
      token: 't',
      repos: ['acme/api'],
      apiUrl: 'https://ghe.example.com/api/v3',
      reconcile: { every: '5m', lookback: '1d' },
    });
    expect(parsed.reconcile).toEqual({ every: 300_000, lookback: 86_400_000, maxRedeliveries: 3 });
    expect(GithubConfigSchema.parse({ ...base, orgs: ['acme'], app: { appId: 1, privateKey: KEY, installationId: '42' } }).app).toEqual({
      appId: '1',
      privateKey: KEY,
      installationId: 42,
    });
  });

  it('rejects repos without API access, both token and app, and a lookback beyond 3 days', () => {
    const messages = (input: object) => GithubConfigSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ repos: ['acme/api'] })).toEqual([expect.stringMatching(/need GitHub API access/)]);
    expect(messages({ token: 't', app: { appId: 1, privateKey: KEY, installationId: 1 } })).toEqual([
      expect.stringMatching(/either token or app/),
    ]);
    expect(messages({ token: 't', reconcile: { lookback: '4d' } })).toEqual([expect.stringMatching(/at most 3d/)]);
    expect(messages({ token: 't', repos: ['not a repo'] })).toEqual([expect.stringMatching(/owner\/repo/)]);
    expect(messages({ token: 't', repos: ['Acme/api', 'other/x'], orgs: ['acme'] })).toEqual([
      'Acme/api belongs to an org that is also listed: each event would arrive twice (once per hook); drop it from repos',
    ]);
  });

  it('says what is wrong with app.privateKey when it cannot sign a JWT, without quoting it, and accepts \\n escapes', () => {
    const keyMessages = (privateKey: string) =>
      GithubConfigSchema.safeParse({ ...base, app: { appId: 1, privateKey } }).error?.issues.map((i) => i.message) ?? [];
    expect(keyMessages(KEY.replace(/\n/g, '\\n'))).toEqual([]);
    expect(keyMessages('/etc/hookhub/github-app.pem')).toEqual([
      expect.stringMatching(/not a PEM key: give the key's contents .* not a file path/),
    ]);
    expect(keyMessages(rsa.publicKey)).toEqual([expect.stringMatching(/holds a public key/)]);
    const truncated = KEY.split('\n').slice(0, 4).join('\n');
    expect(keyMessages(truncated)).toEqual([expect.stringMatching(/not a readable PEM private key/)]);
    for (const message of keyMessages(truncated)) expect(message).not.toContain(truncated.split('\n')[1]);
  });

  it('reads rulesCheck, trimming the folder, and refuses it without API access or with a path outside the repo', () => {
    expect(
      GithubConfigSchema.parse({ ...base, token: 't', rulesCheck: { repo: 'acme/hookhub-rules', path: '/rules/' } }).rulesCheck,
    ).toEqual({ repo: 'acme/hookhub-rules', path: 'rules', last: 1000 });
    const messages = (input: object) => GithubConfigSchema.safeParse({ ...base, ...input }).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ rulesCheck: { repo: 'acme/rules' } })).toEqual([expect.stringMatching(/^rulesCheck needs GitHub API access/)]);
    expect(messages({ token: 't', rulesCheck: { repo: 'acme/rules', path: '../etc' } })).toEqual([
      expect.stringMatching(/folder inside the repository/),
    ]);
    expect(messages({ token: 't', rulesCheck: { repo: 'nope' } })).toEqual([expect.stringMatching(/owner\/repo/)]);
  });
});

describe('reconcile --since', () => {
  const now = new Date('2026-03-04T12:00:00Z');
  const hours = (n: number) => new Date(now.getTime() - n * 3600_000);
  it('reaches back no further than GitHub keeps deliveries, nor than the bus keeps events', () => {
    expect(sinceDate('24h', now, 3600_000)).toEqual(hours(24));
    expect(sinceDate('5d', now, 3600_000)).toEqual(hours(72));
    expect(sinceDate('24h', now, 3600_000, 6 * 3600_000)).toEqual(hours(6));
    expect(sinceDate(undefined, now, 2 * 3600_000, 6 * 3600_000)).toEqual(hours(2));
    expect(() => sinceDate('yesterday', now, 3600_000)).toThrow(/neither a duration/);
  });
});
