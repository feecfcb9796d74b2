/**
 * The GitHub sync's lease (sync-lease.ts) over a pass that outlasts it: 600 redeliveries at one a second, or a
 * rate-limit wait, take longer than two intervals. Each sync here stands for a hub process, with its own
 * connection to a real nats-server; GitHub is the fake API. A process's redelivery requests are held (by the
 * fetch it is given) to make its pass as long as the test needs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { parseConfig, type HubConfig } from '../../src/config/load-config.ts';
import { connectHook } from '../../src/github/connect-hook.ts';
import { startGithubSync, type GithubSync } from '../../src/github/github-sync.ts';
import { desiredHook, githubConnector, requireApi } from '../../src/github/github-settings.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import { GITHUB_SYNC_BUCKET } from '../../src/github/sync-lease.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { fakeClient, freePort, githubHubConfig } from '../helpers/fake-github-hub.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
let fake: FakeGithub;
let syncs: GithubSync[];
let buses: EventBus[];
let prefix: string;
let run = 0;
const redeliveries = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/attempts')).length;

beforeEach(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_test'] });
  syncs = [];
  buses = [];
  prefix = `ghrenew${process.pid}x${(run += 1)}`;
});
afterEach(async () => {
  for (const sync of syncs) await sync.stop();
  for (const bus of buses) await bus.close();
  await fake.close();
});

/** A hub config on NATS whose hook on acme/api has `count` deliveries that failed (no ingress listens). */
async function withMissedDelivery(every: string, count = 1): Promise<HubConfig> {
  const github = githubHubConfig({
    apiUrl: fake.url,
    hubPort: await freePort(),
    github: `secret: s3cret\ntoken: ghp_test\nrepos: [acme/api]\nreconcile: { every: ${every}, maxRedeliveries: 3 }`,
  });
  const nats = parseConfig('/tmp/hookhub-nats.yaml', `bus: { type: nats, url: "${natsServer().url}" }\n`, { vars: {} });
  const config = { ...github, bus: nats.bus };
  const owner = fake.addRepo('acme/api');
  const settings = githubConnector(config, 'github');
  const desired = await desiredHook(settings, requireApi(settings).hookUrl);
  const { hookId } = await connectHook(fakeClient(fake.url), parseHookTarget('acme/api'), desired);
  const hook = owner.hooks.find((h) => h.id === hookId);
  if (!hook) throw new Error('no hook');
  for (let i = 0; i < count; i += 1) await fake.store.deliver(owner, hook, { event: 'push', payload: { ref: `refs/heads/b${i}` } });
  return config;
}

async function startProcess(config: HubConfig, fetch?: typeof globalThis.fetch): Promise<GithubSync> {
  const bus = await createNatsBus({ url: natsServer().url, prefix });
  buses.push(bus);
  const sync = startGithubSync({ config, bus, logger: silentLogger, client: { writeIntervalMs: 0 }, ...(fetch ? { fetch } : {}) });
  syncs.push(sync);
  return sync;
}

/** A fetch that holds redelivery requests until `release()`; `held` settles once the first one waits. */
function holdingRedeliveries() {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached = () => {};
  const held = new Promise<void>((resolve) => (reached = resolve));
  const holding: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (init?.method === 'POST' && url.endsWith('/attempts')) {
      reached();
      await released;
    }
    return fetch(input, init);
  };
  return { fetch: holding, held, release };
}

/**
 * A process whose first redelivery is held stops (giving its leases up after the grace, while the pass still
 * waits, as it would on a rate limit); then the held request goes out and the process finishes what it had.
 */
async function stopWhileHeld(config: HubConfig): Promise<void> {
  const slow = holdingRedeliveries();
  const first = await startProcess(config, slow.fetch);
  await slow.held;
  await first.stop();
  slow.release();
  await first.ready;
  await fake.idle();
}

describe('the GitHub sync lease over a long pass', () => {
  it('is renewed while the pass runs: a second process does not redeliver the same delivery', async () => {
    const config = await withMissedDelivery('1s');
    const slow = holdingRedeliveries();
    const first = await startProcess(config, slow.fetch);
    await slow.held;
    const second = await startProcess(config);
    await second.ready;
    // The lease lasts 2 s: by now the first process took it over 3 s ago, and the second checked it every second.
    await sleep(3500);
    slow.release();
    await first.ready;
    await second.stop();
    await first.stop();
    await fake.idle();
    expect(redeliveries()).toBe(1);
  });

  it('once another process took it mid-pass, the pass asks for no further redelivery', async () => {
    const config = await withMissedDelivery('1s', 2);
    const slow = holdingRedeliveries();
    await startProcess(config, slow.fetch);
    await slow.held;
    // Another process takes the lease (as after a pause of the holder longer than the lease).
    const leases = buses[0]?.kv(GITHUB_SYNC_BUCKET);
    const held = await leases?.get<{ desired: string }>('github');
    if (!leases || !held) throw new Error('no lease');
    await leases.put('github', { ...held.value, owner: 'another process', at: Date.now() }, { revision: held.revision });
    // The next renewal (a third of the 2 s lease) finds it taken.
    await sleep(1500);
    slow.release();
    await syncs[0]?.ready;
    await fake.idle();
    expect(redeliveries()).toBe(1);
  });

  it('is not taken by a pass that was still queued when its sync stopped', async () => {
    const base = await withMissedDelivery('1h');
    // A second connector, whose pass is chained after the first one's.
    const config = { ...base, connectors: { ...base.connectors, web: { ...base.connectors.github!, repos: ['acme/web'] } } };
    const owner = fake.addRepo('acme/web');
    const settings = githubConnector(config, 'web');
    const desired = await desiredHook(settings, requireApi(settings).hookUrl);
    const { hookId } = await connectHook(fakeClient(fake.url), parseHookTarget('acme/web'), desired);
    const hook = owner.hooks.find((h) => h.id === hookId);
    if (!hook) throw new Error('no hook');
    await fake.store.deliver(owner, hook, { event: 'push', payload: { ref: 'refs/heads/web' } });
    await stopWhileHeld(config);
    const webRedeliveries = fake.requests.filter(
      (r) => r.method === 'POST' && r.path.includes('/acme/web/') && r.path.endsWith('/attempts'),
    );
    expect(webRedeliveries).toEqual([]);
    const bus = buses[0]!;
    expect(await bus.kv(GITHUB_SYNC_BUCKET).get('web')).toBeUndefined();
  });

  it('is not taken back by the pass of a sync that stopped while it ran', async () => {
    const config = await withMissedDelivery('1h');
    await stopWhileHeld(config);
    expect(redeliveries()).toBe(1);
    // The lease is free: a process that starts now runs its start-up pass.
    const next = await startProcess(config);
    await next.ready;
    await fake.idle();
    expect(redeliveries()).toBe(2);
  });
});
