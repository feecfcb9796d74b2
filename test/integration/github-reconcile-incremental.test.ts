import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import type { HubConfig } from '../../src/config/load-config.ts';
import { connectHook } from '../../src/github/connect-hook.ts';
import { startGithubSync, type GithubSync } from '../../src/github/github-sync.ts';
import { desiredHook, githubConnector, requireApi } from '../../src/github/github-settings.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import type { IngressServer } from '../../src/ingress/ingress-server.ts';
import { startFakeGithub, type FakeGithub, type FakeRequest } from '../helpers/fake-github.ts';
import type { FakeDelivery, FakeHook, FakeOwner } from '../helpers/fake-github-store.ts';
import { fakeClient, freePort, githubHubConfig, startIngress } from '../helpers/fake-github-hub.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

// One clock for the hub and the fake GitHub, moved forward by hand.
let offset = 0;
const now = () => new Date(Date.now() + offset);
const HOUR = 3600_000;

let fake: FakeGithub;
let bus: EventBus;
let config: HubConfig;
let ingress: IngressServer;
let owner: FakeOwner;
let hook: FakeHook;
const push = (n: number) => ({
  ref: 'refs/heads/main',
  after: `sha${n}`,
  repository: { full_name: 'acme/busy' },
  sender: { login: 'ana' },
});

/** Records an attempt at `hoursAgo`, keeping the list newest first as GitHub lists it. */
function recordAt(hoursAgo: number, d: { guid?: string; redelivery?: boolean; status_code: number }): FakeDelivery {
  const delivery = fake.store.record(owner, hook.id, {
    guid: d.guid ?? randomUUID(),
    event: 'push',
    payload: push(0),
    redelivery: d.redelivery ?? false,
    status: d.status_code === 0 ? 'failed to connect to host' : 'OK',
    status_code: d.status_code,
    duration: 0,
    action: null,
    delivered_at: new Date(now().getTime() - hoursAgo * HOUR).toISOString(),
  });
  const all = owner.deliveries.get(hook.id) ?? [];
  owner.deliveries.set(
    hook.id,
    [...all].sort((a, b) => b.delivered_at.localeCompare(a.delivered_at)),
  );
  return delivery;
}

/** Pages of the deliveries listing (100 a page) among `requests`; `per_page=1` is the hook check's look at the latest. */
const listingPages = (requests: FakeRequest[]) =>
  requests.filter((r) => r.method === 'GET' && r.path.endsWith('/deliveries') && r.query.includes('per_page=100')).length;
/** Pages a full listing of the lookback takes now (every attempt here is inside it). */
const fullPages = () => Math.ceil((owner.deliveries.get(hook.id) ?? []).length / 100);

let lastPass: FakeRequest[] = [];
/** Runs `run` (a pass), waits for the redeliveries it asked for, and returns the listing pages it read. */
async function pagesOf(run: () => Promise<void>): Promise<number> {
  const mark = fake.requests.length;
  await run();
  await fake.idle();
  lastPass = fake.requests.slice(mark);
  return listingPages(lastPass);
}
const startSync = () =>
  startGithubSync({ config, bus, logger: silentLogger, now, client: { writeIntervalMs: 0, retries: 0, maxRateLimitWaitMs: 0 } });
const firstPass = (sync: GithubSync) => pagesOf(() => sync.ready);
const nextPass = (sync: GithubSync) => pagesOf(() => sync.runOnce());

async function whileHubDown<T>(run: () => Promise<T>): Promise<T> {
  await ingress.close();
  try {
    return await run();
  } finally {
    ingress = await startIngress(config, bus);
  }
}

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_test'], now });
  owner = fake.addRepo('acme/busy');
  bus = await openTempEmbeddedBus();
  config = githubHubConfig({
    apiUrl: fake.url,
    hubPort: await freePort(),
    github:
      'secret: s3cret\ntoken: ghp_test\nrepos: [acme/busy]\nevents: [push]\nreconcile: { every: 1h, lookback: 1d, maxRedeliveries: 3 }',
  });
  const settings = githubConnector(config, 'github');
  const api = parseHookTarget('acme/busy');
  const { hookId } = await connectHook(fakeClient(fake.url), api, await desiredHook(settings, requireApi(settings).hookUrl));
  hook = owner.hooks.find((h) => h.id === hookId) as FakeHook;
  // A busy repo: 250 deliveries over the last day, the newest an hour ago.
  for (let i = 0; i < 250; i++) recordAt(20 - (19 * i) / 249, { status_code: 202 });
  ingress = await startIngress(config, bus);
});
afterAll(async () => {
  await ingress.close();
  await bus.close();
  await fake.close();
});

describe('the sync lists only the newest deliveries after a complete pass', () => {
  it('a second pass reads one page instead of the whole lookback, and still recovers a delivery that failed in between', async () => {
    const sync = startSync();
    const full = fullPages();
    expect(full).toBe(3);
    expect(await firstPass(sync)).toBe(full);
    const missed = await whileHubDown(() => fake.store.deliver(owner, hook, { event: 'push', payload: push(1) }));
    expect(missed.status_code).toBe(0);
    expect(await nextPass(sync)).toBe(1);
    expect(await bus.get('events', missed.guid)).toBeDefined();
    await sync.stop();
  });

  it('a restarted sync reads the whole lookback, and never asks for more than maxRedeliveries of a GUID across passes', async () => {
    // Refused for good: the original and two redeliveries failed hours ago, outside what a later pass lists.
    const stuck = randomUUID();
    recordAt(5, { guid: stuck, status_code: 0 });
    recordAt(4.5, { guid: stuck, redelivery: true, status_code: 0 });
    recordAt(4, { guid: stuck, redelivery: true, status_code: 0 });
    const redeliveries = () => (owner.deliveries.get(hook.id) ?? []).filter((d) => d.guid === stuck && d.redelivery).length;
    await whileHubDown(async () => {
      const sync = startSync();
      const full = fullPages();
      expect(await firstPass(sync)).toBe(full);
      expect(redeliveries()).toBe(3);
      for (let i = 0; i < 3; i++) expect(await nextPass(sync)).toBe(1);
      expect(redeliveries()).toBe(3);
      await sync.stop();
    });
  });

  it('after a failed pass, a pass stopped by the rate limit, and at least hourly, the next pass reads the whole lookback', async () => {
    const sync = startSync();
    await firstPass(sync);
    expect(await nextPass(sync)).toBe(1);
    const missed = await whileHubDown(() => fake.store.deliver(owner, hook, { event: 'push', payload: push(2) }));
    fake.store.redeliveries.refusedWith = 403;
    expect(await nextPass(sync)).toBe(1);
    fake.store.redeliveries.refusedWith = undefined;
    expect(await nextPass(sync)).toBe(fullPages());
    expect(await bus.get('events', missed.guid)).toBeDefined();
    expect(await nextPass(sync)).toBe(1);

    // The budget runs out just before the listing: the pass stops there.
    const beforeListing = lastPass.findIndex((r) => listingPages([r]) === 1);
    fake.setRateLimit(beforeListing, new Date(now().getTime() + 60_000));
    expect(await nextPass(sync)).toBe(0);
    offset += 2 * 60_000;
    expect(await nextPass(sync)).toBe(fullPages());
    expect(await nextPass(sync)).toBe(1);

    offset += HOUR;
    expect(await nextPass(sync)).toBe(fullPages());
    await sync.stop();
  });
});
