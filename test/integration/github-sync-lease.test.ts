/**
 * Several hub processes on one NATS bus (ingress replicas) each run the GitHub sync: one of them runs a
 * connector's passes, so a missed delivery is redelivered once per pass, not once per process. Each sync here
 * stands for a process, with its own connection to a real nats-server; GitHub is the fake API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { parseConfig, type HubConfig } from '../../src/config/load-config.ts';
import { connectHook } from '../../src/github/connect-hook.ts';
import { startGithubSync, type GithubSync } from '../../src/github/github-sync.ts';
import { desiredHook, githubConnector, requireApi } from '../../src/github/github-settings.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { fakeClient, freePort, githubHubConfig } from '../helpers/fake-github-hub.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
let fake: FakeGithub;
let config: HubConfig;
const syncs: GithubSync[] = [];
const buses: EventBus[] = [];
const redeliveries = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/attempts')).length;

async function startProcess(): Promise<GithubSync> {
  const bus = await createNatsBus({ url: natsServer().url, prefix: `ghlease${process.pid}` });
  buses.push(bus);
  const sync = startGithubSync({ config, bus, logger: silentLogger, client: { writeIntervalMs: 0 } });
  syncs.push(sync);
  await sync.ready;
  await fake.idle();
  return sync;
}

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_test'] });
  // No ingress listens on the hub's port: every delivery and redelivery fails, as while the hub is down.
  const github = githubHubConfig({
    apiUrl: fake.url,
    hubPort: await freePort(),
    github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/api]\nreconcile: { every: 1h, maxRedeliveries: 3 }',
  });
  const nats = parseConfig('/tmp/hookhub-nats.yaml', `bus: { type: nats, url: "${natsServer().url}" }\n`, { vars: {} });
  config = { ...github, bus: nats.bus };
});
afterAll(async () => {
  for (const sync of syncs) await sync.stop();
  for (const bus of buses) await bus.close();
  await fake.close();
});

describe('the GitHub sync in several hub processes', () => {
  it('one process runs the passes; another takes over once it stops', async () => {
    const owner = fake.addRepo('acme/api');
    const settings = githubConnector(config, 'github');
    const { hookId } = await connectHook(
      fakeClient(fake.url),
      parseHookTarget('acme/api'),
      await desiredHook(settings, requireApi(settings).hookUrl),
    );
    const hook = owner.hooks.find((h) => h.id === hookId);
    if (!hook) throw new Error('no hook');
    const missed = await fake.store.deliver(owner, hook, { event: 'push', payload: { ref: 'refs/heads/main' } });
    expect(missed.status_code).toBe(0);

    const first = await startProcess();
    expect(redeliveries()).toBe(1);
    // Started while the first holds the lease: its start-up pass is left to the first.
    await startProcess();
    expect(redeliveries()).toBe(1);

    // Stopping gives the lease up: the next process to start runs its pass.
    await first.stop();
    await startProcess();
    expect(redeliveries()).toBe(2);
  });

  it('on the embedded bus (one process), a restart after a crash runs its start-up pass at once', async () => {
    const bus = await openTempEmbeddedBus();
    buses.push(bus);
    const embedded = { ...config, bus: { type: 'embedded' as const, path: '', retention: config.bus.retention } };
    const owner = fake.addRepo('acme/api');
    const hook = owner.hooks[0];
    if (!hook) throw new Error('no hook');
    const missed = await fake.store.deliver(owner, hook, { event: 'push', payload: { ref: 'refs/heads/next' } });
    // Asked for by the id of its newest attempt: the original's, then a redelivery's.
    const attempts = () => {
      const ids = (owner.deliveries.get(hook.id) ?? []).filter((d) => d.guid === missed.guid).map((d) => `/deliveries/${d.id}/attempts`);
      return fake.requests.filter((r) => r.method === 'POST' && ids.some((end) => r.path.endsWith(end))).length;
    };
    const crashed = startGithubSync({ config: embedded, bus, logger: silentLogger, client: { writeIntervalMs: 0 } });
    syncs.push(crashed);
    await crashed.ready;
    await fake.idle();
    expect(attempts()).toBe(1);
    // Never stopped (killed): the one that replaces it does not wait for anything.
    const restarted = startGithubSync({ config: embedded, bus, logger: silentLogger, client: { writeIntervalMs: 0 } });
    syncs.push(restarted);
    await restarted.ready;
    await fake.idle();
    expect(attempts()).toBe(2);
  });
});
