import { createServer } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { checkGithubSync, startGithubSync } from '../../src/github/github-sync.ts';
import { createConsumerHealth } from '../../src/bus/consumer-health.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { IngressServer } from '../../src/ingress/ingress-server.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { freePort, githubHubConfig, startIngress } from '../helpers/fake-github-hub.ts';
import { eventually, openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';

let fake: FakeGithub;
let bus: EventBus;
let ingress: IngressServer | undefined;

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_test'] });
  bus = await openTempEmbeddedBus();
});
afterAll(async () => {
  await ingress?.close();
  await bus.close();
  await fake.close();
});

describe("the hub's GitHub sync", () => {
  it('connects on start, then on every pass puts back a deleted hook and recovers what failed meanwhile', async () => {
    fake.addRepo('acme/api');
    const org = fake.addOrg('acme-labs');
    const config = githubHubConfig({
      apiUrl: fake.url,
      hubPort: await freePort(),
      github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/api]\norgs: [acme-labs]\nreconcile: { every: 300ms }',
    });
    ingress = await startIngress(config, bus);
    const sync = startGithubSync({ config, bus, logger: silentLogger, client: { writeIntervalMs: 0 } });
    try {
      await sync.ready;
      expect(fake.hooks('acme/api')).toHaveLength(1);
      expect(fake.hooks('acme-labs')).toHaveLength(1);
      const hook = org.hooks[0];
      if (!hook) throw new Error('no org hook');
      await ingress.close();
      const missed = await fake.store.deliver(org, hook, { event: 'push', payload: { ref: 'refs/heads/main' } });
      expect(missed.status_code).toBe(0);
      ingress = await startIngress(config, bus);
      fake.addRepo('acme/api').hooks = [];
      await eventually(
        async () => fake.hooks('acme/api').length === 1 && (await bus.get('events', missed.guid)) !== undefined,
        10_000,
        'a later pass',
      );
    } finally {
      await sync.stop();
    }
    const after = fake.requests.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(fake.requests.length).toBe(after);
  });

  it('gives up on a GitHub API that never answers, so the next pass still runs', async () => {
    const seen: string[] = [];
    // Accepts every request and never answers it.
    const silent = createServer((req) => void seen.push(`${req.method} ${req.url}`));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const config = githubHubConfig({
      apiUrl: `http://127.0.0.1:${port}`,
      hubPort: await freePort(),
      github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/api]\nreconcile: { every: 300ms }',
    });
    const sync = startGithubSync({ config, bus, logger: silentLogger, client: { writeIntervalMs: 0, retries: 0, requestTimeoutMs: 200 } });
    try {
      await eventually(() => seen.length >= 2, 5_000, 'a second pass after the first request timed out');
    } finally {
      await sync.stop();
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('counts every failed pass in the consumer metrics, so a sync that keeps failing shows', async () => {
    const broken = createServer((_req, res) => res.writeHead(500).end('{"message":"down"}'));
    broken.listen(0, '127.0.0.1');
    await once(broken, 'listening');
    const { port } = broken.address() as { port: number };
    const config = githubHubConfig({
      apiUrl: `http://127.0.0.1:${port}`,
      hubPort: await freePort(),
      github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/api]\nreconcile: { every: 100ms }',
    });
    const metrics = createMetrics({ processMetrics: false });
    const probe = createConsumerHealth({ logger: silentLogger, metrics }).probe('github-sync');
    const sync = startGithubSync({ config, bus, logger: silentLogger, probe, client: { writeIntervalMs: 0, retries: 0 } });
    try {
      await eventually(
        async () => /hookhub_consumer_errors_total\{consumer="github-sync",reason="message"\} [2-9]/.test(await metrics.registry.metrics()),
        5_000,
        'two failed passes counted',
      );
    } finally {
      await sync.stop();
      broken.close();
    }
  });

  it('counts a pass whose redeliveries GitHub refused as failed, so missed deliveries it cannot recover show', async () => {
    const owner = fake.addRepo('acme/refused');
    owner.hooks = [];
    const config = githubHubConfig({
      apiUrl: fake.url,
      hubPort: await freePort(),
      github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/refused]\nreconcile: { every: 1h }',
    });
    const metrics = createMetrics({ processMetrics: false });
    const probe = createConsumerHealth({ logger: silentLogger, metrics }).probe('github-sync');
    const first = startGithubSync({ config, bus, logger: silentLogger, client: { writeIntervalMs: 0 } });
    await first.ready;
    await first.stop();
    const hook = owner.hooks[0];
    if (!hook) throw new Error('no hook');
    // The hub is not listening: GitHub records the failure.
    const missed = await fake.store.deliver(owner, hook, { event: 'push', payload: { ref: 'refs/heads/main' } });
    expect(missed.status_code).toBe(0);
    fake.store.redeliveries.refusedWith = 403;
    const sync = startGithubSync({ config, bus, logger: silentLogger, probe, registry: metrics.registry, client: { writeIntervalMs: 0 } });
    try {
      await sync.ready;
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/hookhub_github_missed_deliveries_total\{connector="github",outcome="error"\} 1/);
      expect(text).toMatch(/hookhub_consumer_errors_total\{consumer="github-sync",reason="message"\} 1/);
    } finally {
      fake.store.redeliveries.refusedWith = undefined;
      await sync.stop();
    }
  });

  it('counts a failed setup and tries it again until it works', async () => {
    fake.addRepo('acme/setup').hooks = [];
    const config = githubHubConfig({
      apiUrl: fake.url,
      hubPort: await freePort(),
      github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/setup]\nreconcile: { every: 0 }',
    });
    // No secret to sign the hook with: building the connector's sync context fails until it is back.
    const github = config.connectors.github as unknown as { secret: string[] };
    const secret = github.secret;
    github.secret = [];
    const metrics = createMetrics({ processMetrics: false });
    const probe = createConsumerHealth({ logger: silentLogger, metrics }).probe('github-sync');
    const sync = startGithubSync({ config, bus, logger: silentLogger, probe, registry: metrics.registry, client: { writeIntervalMs: 0 } });
    try {
      await sync.ready;
      expect(await metrics.registry.metrics()).toMatch(/hookhub_consumer_errors_total\{consumer="github-sync",reason="message"\} 1/);
      github.secret = secret;
      await eventually(() => fake.hooks('acme/setup').length === 1, 5_000, 'the hook made by a later setup');
    } finally {
      await sync.stop();
    }
  });

  it('stop() ends a pass waiting out a rate limit at once: it sends nothing more, and its first pass settles', async () => {
    fake.addRepo('acme/limited');
    const config = githubHubConfig({
      apiUrl: fake.url,
      hubPort: await freePort(),
      github: 'secret: s3cret\ntoken: ghp_test\nrepos: [acme/limited]\nreconcile: { every: 0 }',
    });
    fake.setRateLimit(0, new Date(Date.now() + 600_000));
    const start = fake.requests.length;
    // The hub waits up to 15 min for a limit: this one resets in 10.
    const sync = startGithubSync({ config, bus, logger: silentLogger, client: { writeIntervalMs: 0, retries: 0 } });
    try {
      await eventually(() => fake.requests.length > start, 10_000, 'the 403');
      await sync.stop();
      // Waited out, the first pass would settle only once the limit resets, ten minutes on.
      await sync.ready;
      expect(fake.requests.slice(start).map((r) => r.status)).toEqual([403]);
    } finally {
      fake.setRateLimit(5000, new Date(Date.now() + 3600_000));
    }
  });

  it('refuses to start, naming the fix, when repos are listed but no public URL is known', () => {
    const config = parseConfig(
      '/tmp/hookhub.yaml',
      'connectors:\n  gh:\n    type: github\n    secret: s\n    token: t\n    repos: [acme/api]\n',
      { vars: {} },
    );
    const problem = /connectors\.gh: the hub's public URL is needed: set server\.publicUrl or connectors\.gh\.publicUrl/;
    expect(() => checkGithubSync(config)).toThrow(problem);
    expect(() => startGithubSync({ config, bus, logger: silentLogger })).toThrow(problem);
  });

  it('does nothing for github connectors without repos or orgs', async () => {
    const config = parseConfig('/tmp/hookhub.yaml', 'connectors:\n  gh: { type: github, secret: s }\n', { vars: {} });
    const before = fake.requests.length;
    const sync = startGithubSync({ config, bus, logger: silentLogger });
    await sync.ready;
    await sync.stop();
    expect(fake.requests.length).toBe(before);
  });
});
