import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { HubConfig } from '../../src/config/load-config.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { connectHook } from '../../src/github/connect-hook.ts';
import { startGithubSync } from '../../src/github/github-sync.ts';
import { desiredHook, githubConnector, requireApi } from '../../src/github/github-settings.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import { reconcileHook } from '../../src/github/reconcile-hook.ts';
import type { IngressServer } from '../../src/ingress/ingress-server.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import type { FakeHook, FakeOwner } from '../helpers/fake-github-store.ts';
import { fakeClient, freePort, githubHubConfig, startIngress } from '../helpers/fake-github-hub.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

let fake: FakeGithub;
let bus: EventBus;
let config: HubConfig;
let ingress: IngressServer | undefined;
const api = parseHookTarget('acme/api');
const push = (n: number) => ({ ref: 'refs/heads/main', after: `sha${n}`, repository: { full_name: 'acme/api' }, sender: { login: 'ana' } });
const isKnown = async (guid: string) => (await bus.get('events', guid)) !== undefined;

async function hubHook(): Promise<{ owner: FakeOwner; hook: FakeHook }> {
  const settings = githubConnector(config, 'github');
  const result = await connectHook(fakeClient(fake.url), api, await desiredHook(settings, requireApi(settings).hookUrl));
  const owner = fake.addRepo('acme/api');
  const hook = owner.hooks.find((h) => h.id === result.hookId);
  if (!hook) throw new Error('hook not created');
  return { owner, hook };
}

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_test'] });
  fake.addRepo('acme/api');
  bus = await openTempEmbeddedBus();
  config = githubHubConfig({
    apiUrl: fake.url,
    hubPort: await freePort(),
    github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/api]\nevents: [push]\nreconcile: { every: 1h, lookback: 1d }',
  });
});
afterAll(async () => {
  await ingress?.close();
  await bus.close();
  await fake.close();
});

describe('recovering deliveries GitHub never retried', () => {
  it('redelivers only the failed deliveries the hub has not stored; a second run redelivers nothing', async () => {
    const { owner, hook } = await hubHook();
    ingress = await startIngress(config, bus);
    const delivered = await fake.store.deliver(owner, hook, { event: 'push', payload: push(1) });
    expect(delivered.status_code).toBe(202);
    await ingress.close();
    // The hub is down: GitHub records the failures and never retries them.
    const missed = [
      await fake.store.deliver(owner, hook, { event: 'push', payload: push(2) }),
      await fake.store.deliver(owner, hook, { event: 'push', payload: push(3) }),
    ];
    expect(missed.map((d) => d.status_code)).toEqual([0, 0]);
    // GitHub timed this one out (10 s), but the hub had stored it: no redelivery needed.
    const slow = fake.store.record(owner, hook.id, {
      guid: randomUUID(),
      event: 'push',
      payload: push(4),
      redelivery: false,
      status: 'timed out',
      status_code: 0,
      duration: 10,
      action: null,
    });
    await bus.publish('events', {
      id: slow.guid,
      subject: 'github.push',
      payload: createHubEvent({ id: slow.guid, connector: 'github', type: 'github.push', data: push(4) }, new Date()),
    });
    // Older than the lookback: out of scope.
    fake.store.record(owner, hook.id, {
      guid: randomUUID(),
      event: 'push',
      payload: push(5),
      redelivery: false,
      status: 'failed',
      status_code: 0,
      duration: 1,
      action: null,
      delivered_at: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    });
    ingress = await startIngress(config, bus);

    const options = { since: new Date(Date.now() - 86_400_000), maxRedeliveries: 3, isKnown };
    const dry = await reconcileHook(fakeClient(fake.url), api, hook.id, { ...options, dryRun: true });
    expect(dry.redelivered.map((d) => d.guid).sort()).toEqual(missed.map((d) => d.guid).sort());
    expect(fake.requests.filter((r) => r.path.endsWith('/attempts'))).toHaveLength(0);

    const first = await reconcileHook(fakeClient(fake.url), api, hook.id, options);
    expect(first.redelivered.map((d) => d.guid).sort()).toEqual(missed.map((d) => d.guid).sort());
    expect(first.alreadyInHub).toEqual([slow.guid]);
    await fake.idle();
    for (const d of missed) expect(await bus.get('events', d.guid)).toBeDefined();

    const second = await reconcileHook(fakeClient(fake.url), api, hook.id, options);
    expect(second.redelivered).toEqual([]);
    expect(fake.requests.filter((r) => r.path.endsWith('/attempts'))).toHaveLength(2);
  });

  it('follows the Link cursor through pages and gives up on a delivery refused after 3 redeliveries', async () => {
    const { owner, hook } = await hubHook();
    const stuck = randomUUID();
    for (let i = 0; i < 4; i++)
      fake.store.record(owner, hook.id, {
        guid: stuck,
        event: 'push',
        payload: push(9),
        redelivery: i > 0,
        status: 'Invalid HTTP Response: 413',
        status_code: 413,
        duration: 0,
        action: null,
      });
    const lost = fake.store.record(owner, hook.id, {
      guid: randomUUID(),
      event: 'push',
      payload: push(10),
      redelivery: false,
      status: 'failed to connect to host',
      status_code: 0,
      duration: 0,
      action: null,
    });
    for (let i = 0; i < 230; i++)
      fake.store.record(owner, hook.id, {
        guid: randomUUID(),
        event: 'push',
        payload: push(i),
        redelivery: false,
        status: 'OK',
        status_code: 202,
        duration: 0,
        action: null,
      });
    const pagesBefore = fake.requests.filter((r) => r.path.endsWith('/deliveries')).length;
    const result = await reconcileHook(fakeClient(fake.url), api, hook.id, {
      since: new Date(Date.now() - 3600_000),
      maxRedeliveries: 3,
      isKnown,
    });
    expect(fake.requests.filter((r) => r.path.endsWith('/deliveries')).length - pagesBefore).toBeGreaterThanOrEqual(3);
    expect(result.redelivered.map((d) => d.guid)).toEqual([lost.guid]);
    expect(result.gaveUp.map((d) => d.guid)).toEqual([stuck]);
    await fake.idle();
  });

  it('the hub sync looks back no further than the bus keeps events, so a delivery it processed and pruned is not redelivered', async () => {
    const { owner, hook } = await hubHook();
    // GitHub timed this delivery out two hours ago, though the hub had stored it; the bus keeps events one hour.
    const pruned = fake.store.record(owner, hook.id, {
      guid: randomUUID(),
      event: 'push',
      payload: push(30),
      redelivery: false,
      status: 'timed out',
      status_code: 0,
      duration: 10,
      action: null,
      delivered_at: new Date(Date.now() - 2 * 3600_000).toISOString(),
    });
    const shortRetention: HubConfig = { ...config, bus: { ...config.bus, retention: 3600_000 } };
    const attempts = () => fake.requests.filter((r) => r.path.endsWith(`/deliveries/${pruned.id}/attempts`)).length;
    const sync = startGithubSync({ config: shortRetention, bus, logger: silentLogger, client: { writeIntervalMs: 0 } });
    await sync.ready;
    await sync.stop();
    expect(attempts()).toBe(0);
    // The other tests' syncs keep events for 7 days: they would rightly redeliver it.
    owner.deliveries.set(
      hook.id,
      (owner.deliveries.get(hook.id) ?? []).filter((d) => d.id !== pruned.id),
    );
  });

  it('the hub sync re-sets a secret changed by hand in GitHub, then recovers the deliveries refused with 401, and counts them', async () => {
    const { owner, hook } = await hubHook();
    hook.config.secret = 'changed-in-the-github-ui';
    const refused = await fake.store.deliver(owner, hook, { event: 'push', payload: push(20) });
    expect(refused.status_code).toBe(401);
    const registry = new Registry();
    const sync = startGithubSync({ config, bus, logger: silentLogger, registry, client: { writeIntervalMs: 0 } });
    await sync.ready;
    await fake.idle();
    expect(hook.config.secret).toBe('s3cret');
    expect(await bus.get('events', refused.guid)).toBeDefined();
    const text = await registry.metrics();
    expect(text).toMatch(/hookhub_github_missed_deliveries_total\{connector="github",outcome="redelivered"\} 1/);
    expect(text).toMatch(/hookhub_github_hook_changes_total\{connector="github",action="updated"\} 1/);
    await sync.stop();
  });
});
