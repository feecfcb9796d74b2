import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectHook, disconnectHook } from '../../src/github/connect-hook.ts';
import { desiredHook, githubConnector, requireApi } from '../../src/github/github-settings.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import type { DesiredHook } from '../../src/github/plan-hook.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { fakeClient, githubHubConfig } from '../helpers/fake-github-hub.ts';
import { objectContaining } from '../helpers/matchers.ts';

let fake: FakeGithub;
let desired: DesiredHook;
const targets = ['acme/api', 'acme/web', 'acme-labs'].map(parseHookTarget);
const writes = () => fake.requests.filter((r) => r.method !== 'GET');

async function desiredFor(secret: string, events = '[push, pull_request]'): Promise<DesiredHook> {
  const config = githubHubConfig({
    apiUrl: fake.url,
    hubPort: 8099,
    github: `secret: ${secret}\ntoken: ghp_test\nrepos: [acme/api, acme/web]\norgs: [acme-labs]\nevents: ${events}`,
  });
  const settings = githubConnector(config, 'github');
  return desiredHook(settings, requireApi(settings).hookUrl);
}

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_test'] });
});
afterAll(() => fake.close());
beforeEach(async () => {
  for (const owner of fake.store.owners.values()) owner.hooks = [];
  fake.addRepo('acme/api');
  fake.addRepo('acme/web');
  fake.addOrg('acme-labs');
  desired = await desiredFor('s3cret');
});

describe('connecting repos and orgs', () => {
  it('creates one JSON hook per repo/org, and a second connect changes nothing', async () => {
    const client = fakeClient(fake.url);
    const first = await Promise.all(targets.map((t) => connectHook(client, t, desired)));
    expect(first.map((r) => r.action)).toEqual(['created', 'created', 'created']);
    for (const name of ['acme/api', 'acme/web', 'acme-labs']) {
      const hooks = fake.hooks(name);
      expect(hooks).toHaveLength(1);
      expect(hooks[0]).toMatchObject({
        active: true,
        events: ['push', 'pull_request'],
        config: { url: desired.markedUrl, content_type: 'json', insecure_ssl: '0', secret: 's3cret' },
      });
    }
    expect(desired.markedUrl).toMatch(/^http:\/\/127\.0\.0\.1:8099\/hooks\/github\?hookhub_fp=[\w-]{12}$/);

    const before = writes().length;
    const second = await Promise.all(targets.map((t) => connectHook(client, t, desired)));
    expect(second.map((r) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(writes()).toHaveLength(before);
    expect(fake.hooks('acme/api')).toHaveLength(1);
  });

  it('updates a hook whose secret (per its marker) or events differ, keeping its id', async () => {
    const client = fakeClient(fake.url);
    const [api] = targets as [ReturnType<typeof parseHookTarget>];
    const created = await connectHook(client, api, desired);
    const rotated = await desiredFor('n3w-secret', '[push]');
    const result = await connectHook(client, api, rotated);
    expect(result).toMatchObject({
      action: 'updated',
      hookId: created.hookId,
      changes: ['secret changed', 'events pull_request,push -> push'],
    });
    expect(fake.hooks('acme/api')).toEqual([
      objectContaining({
        id: created.hookId,
        events: ['push'],
        config: objectContaining({ secret: 'n3w-secret', url: rotated.markedUrl }),
      }),
    ]);
    expect((await connectHook(client, api, rotated)).action).toBe('unchanged');
  });

  it('adopts a hand-made hook at the hub URL, repairs its form content type and TLS setting, and leaves other hooks alone', async () => {
    const owner = fake.addRepo('acme/api');
    const now = new Date().toISOString();
    const base = { type: 'Repository' as const, name: 'web' as const, active: false, created_at: now, updated_at: now };
    owner.hooks.push({
      ...base,
      id: 1,
      events: ['push'],
      config: { url: desired.url, content_type: 'form', insecure_ssl: '1', secret: 'typo' },
    });
    owner.hooks.push({
      ...base,
      id: 2,
      active: true,
      events: ['*'],
      config: { url: 'https://ci.example.com/github', content_type: 'json', insecure_ssl: '0', secret: 'ci' },
    });
    const result = await connectHook(fakeClient(fake.url), parseHookTarget('acme/api'), desired);
    expect(result).toMatchObject({ action: 'updated', hookId: 1 });
    expect(result.changes).toEqual([
      'secret set (hook was not set up by hookhub)',
      'events push -> pull_request,push',
      'reactivated',
      'content type form -> json',
      'TLS verification turned back on',
    ]);
    expect(owner.hooks.find((h) => h.id === 2)).toMatchObject({
      events: ['*'],
      config: { url: 'https://ci.example.com/github', secret: 'ci' },
    });
    expect(owner.hooks.find((h) => h.id === 1)?.config).toMatchObject({ secret: 's3cret', content_type: 'json', insecure_ssl: '0' });
  });

  it('converges when another process creates the hook between list and create (422 Hook already exists)', async () => {
    const owner = fake.addRepo('acme/api');
    const racing: typeof fetch = async (input, init) => {
      if (
        init?.method === 'POST' &&
        (input instanceof Request ? input.url : input.toString()).endsWith('/repos/acme/api/hooks') &&
        owner.hooks.length === 0
      ) {
        const time = new Date().toISOString();
        owner.hooks.push({
          type: 'Repository',
          id: 77,
          name: 'web',
          active: true,
          events: ['push', 'pull_request'],
          config: { url: desired.markedUrl, content_type: 'json', insecure_ssl: '0', secret: 's3cret' },
          created_at: time,
          updated_at: time,
        });
      }
      return fetch(input, init);
    };
    const result = await connectHook(fakeClient(fake.url, 'ghp_test', { fetch: racing }), parseHookTarget('acme/api'), desired);
    expect(result).toMatchObject({ action: 'unchanged', hookId: 77 });
    expect(fake.requests.some((r) => r.method === 'POST' && r.status === 422)).toBe(true);
    expect(owner.hooks).toHaveLength(1);
  });

  it('disconnect removes only the hub hook, and a second disconnect removes nothing', async () => {
    const client = fakeClient(fake.url);
    const owner = fake.addRepo('acme/web');
    await connectHook(client, parseHookTarget('acme/web'), desired);
    const time = new Date().toISOString();
    owner.hooks.push({
      type: 'Repository',
      id: 5,
      name: 'web',
      active: true,
      events: ['*'],
      config: { url: 'https://ci.example.com/x', content_type: 'json', insecure_ssl: '0' },
      created_at: time,
      updated_at: time,
    });
    expect((await disconnectHook(client, parseHookTarget('acme/web'), desired.url)).removed).toHaveLength(1);
    expect((await disconnectHook(client, parseHookTarget('acme/web'), desired.url)).removed).toEqual([]);
    expect(owner.hooks.map((h) => h.id)).toEqual([5]);
  });

  it('reports 404 for a missing repo and 401 for a bad token, without retrying', async () => {
    await expect(connectHook(fakeClient(fake.url), parseHookTarget('acme/nope'), desired)).rejects.toMatchObject({ status: 404 });
    const before = fake.requests.length;
    await expect(
      connectHook(fakeClient(fake.url, 'ghp_wrong', { retries: 3 }), parseHookTarget('acme/api'), desired),
    ).rejects.toMatchObject({ status: 401 });
    expect(fake.requests.length - before).toBe(1);
  });

  it('works against a GitHub Enterprise style base URL (/api/v3)', async () => {
    const ghes = await startFakeGithub({ tokens: ['ghp_test'], prefix: '/api/v3' });
    try {
      ghes.addRepo('acme/api');
      expect(ghes.url).toMatch(/\/api\/v3$/);
      expect((await connectHook(fakeClient(ghes.url), parseHookTarget('acme/api'), desired)).action).toBe('created');
      expect(ghes.hooks('acme/api')).toHaveLength(1);
    } finally {
      await ghes.close();
    }
  });
});
