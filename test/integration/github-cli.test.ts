import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerGithubCommand } from '../../src/cli/github-command.ts';
import type { GithubCliDeps } from '../../src/github/cli/cli-context.ts';
import { createBus } from '../../src/bus/create-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { IngressServer } from '../../src/ingress/ingress-server.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { freePort, startIngress } from '../helpers/fake-github-hub.ts';
import { tempDir } from '../helpers/hub-fixtures.ts';

let fake: FakeGithub;
let dir: string;
let port: number;
let bus: EventBus;
let ingress: IngressServer | undefined;
const env = { vars: { GH_SECRET: 'old-secret', GH_NEW: 'new-secret', GH_TOKEN: 'ghp_cli' } };
const file = () => join(dir, 'hookhub.yaml');

function writeConfig(secret: string, repos = '[acme/api, acme/web]'): void {
  writeFileSync(
    file(),
    `server: { port: ${port}, host: 127.0.0.1, publicUrl: "http://127.0.0.1:${port}" }
bus: { type: embedded, path: ./data/hookhub.db }
connectors:
  github:
    type: github
    secret: ${secret}
    token: \${GH_TOKEN}
    apiUrl: "${fake.url}"
    repos: ${repos}
    events: [push]
`,
  );
}

function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  return runWith({}, ...args);
}

async function runWith(deps: GithubCliDeps, ...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride();
  registerGithubCommand(program, {
    env,
    write: (t) => (out += t),
    warn: (t) => (err += t),
    client: { writeIntervalMs: 0, retries: 0 },
    ...deps,
  });
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'hookhub', 'github', ...args, '-c', file()]);
  } catch (e) {
    err += `error: ${(e as Error).message}\n`;
    process.exitCode = 1;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

async function restartHub(): Promise<void> {
  await ingress?.close();
  ingress = await startIngress(await loadConfig(file(), env), bus);
}

beforeAll(async () => {
  fake = await startFakeGithub({ tokens: ['ghp_cli'] });
  fake.addRepo('acme/api');
  fake.addRepo('acme/web');
  dir = tempDir('hookhub-github-cli-');
  port = await freePort();
  writeConfig('${GH_SECRET}');
  bus = await createBus((await loadConfig(file(), env)).bus);
  await restartHub();
});
afterEach(() => {
  process.exitCode = 0;
});
afterAll(async () => {
  await ingress?.close();
  await bus.close();
  await fake.close();
});

describe('hookhub github', () => {
  it('connect prints what it changed, and nothing changes the second time', async () => {
    const first = await run('connect');
    expect(first.out).toMatch(/^acme\/api: created hook \d+ \(events: push\)\nacme\/web: created hook \d+ \(events: push\)\n$/);
    const second = await run('connect');
    expect(second.out).toMatch(/^acme\/api: unchanged hook \d+\nacme\/web: unchanged hook \d+\n$/);
    expect(second.code).toBe(0);
  });

  it('reports a missing repo on stderr with exit code 1, and still handles the others', async () => {
    const result = await run('connect', 'acme/nope', 'acme/api');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/acme\/nope: error: .*\[HTTP 404\]/);
    expect(result.out).toMatch(/acme\/api: unchanged/);
  });

  it('list marks the hub hooks and shows their last delivery', async () => {
    const { out } = await run('list');
    expect(out).toMatch(/TARGET +HOOK +OWNER +ACTIVE +EVENTS +LAST DELIVERY +URL/);
    expect(out).toMatch(/acme\/api +\d+ +hookhub +yes +push +never +http:\/\/127\.0\.0\.1:\d+\/hooks\/github\n/);
  });

  it('ping finds its ping among the deliveries that came after it, and exits 1 when GitHub shows none', async () => {
    const owner = fake.addRepo('acme/api');
    const hook = owner.hooks[0];
    if (!hook) throw new Error('no hook');
    const afterPing =
      (then: () => void): typeof fetch =>
      async (input, init) => {
        const response = await fetch(input, init);
        const url = input instanceof Request ? input.url : input.toString();
        if (init?.method === 'POST' && url.endsWith('/pings')) {
          await fake.idle();
          then();
        }
        return response;
      };
    // A busy repo: a push is delivered right after the ping.
    const push = () =>
      fake.store.record(owner, hook.id, {
        guid: randomUUID(),
        event: 'push',
        payload: {},
        redelivery: false,
        status: 'OK',
        status_code: 202,
        duration: 0,
        action: null,
      });
    const busy = await runWith({ fetch: afterPing(push) }, 'ping', 'acme/api', '--wait', '3');
    expect(busy.out).toMatch(/^acme\/api: ping to hook \d+ delivered: 200 OK/);
    expect(busy.code).toBe(0);

    // GitHub never shows the ping (it has not sent it yet).
    const lost = () =>
      owner.deliveries.set(
        hook.id,
        (owner.deliveries.get(hook.id) ?? []).filter((d) => d.event !== 'ping'),
      );
    const silent = await runWith({ fetch: afterPing(lost) }, 'ping', 'acme/api', '--wait', '1');
    expect(silent.err).toMatch(/^acme\/api: error: ping sent to hook \d+; no result from GitHub within 1s/);
    expect(silent.code).toBe(1);
  });

  it('reconcile --dry-run lists, reconcile redelivers, a second reconcile finds nothing', async () => {
    const owner = fake.addRepo('acme/web');
    const hook = owner.hooks[0];
    if (!hook) throw new Error('no hook');
    await ingress?.close();
    const missed = await fake.store.deliver(owner, hook, {
      event: 'push',
      payload: { ref: 'refs/heads/main', repository: { full_name: 'acme/web' } },
    });
    await restartHub();
    expect((await run('reconcile', '--dry-run')).out).toContain(`would redeliver: ${missed.guid} push`);
    expect((await run('reconcile', '--since', '24h')).out).toContain(`redelivery requested: ${missed.guid} push`);
    await fake.idle();
    expect(await bus.get('events', missed.guid)).toBeDefined();
    const again = await run('reconcile');
    expect(again.out).not.toContain('redelivery requested');
    expect(again.out.match(/nothing missed/g)).toHaveLength(2);
  });

  it('reconcile exits 1 and says so on stderr when GitHub refuses a redelivery', async () => {
    const owner = fake.addRepo('acme/api');
    const hook = owner.hooks[0];
    if (!hook) throw new Error('no hook');
    await ingress?.close();
    const missed = await fake.store.deliver(owner, hook, { event: 'push', payload: { ref: 'refs/heads/main' } });
    await restartHub();
    fake.store.redeliveries.refusedWith = 403;
    try {
      const result = await run('reconcile', 'acme/api');
      expect(result.out).toContain(`GitHub refused to redeliver ${missed.guid}`);
      expect(result.err).toMatch(/acme\/api: error: GitHub refused 1 of 1 redelivery request/);
      expect(result.code).toBe(1);
    } finally {
      fake.store.redeliveries.refusedWith = undefined;
    }
  });

  it('rotate-secret: generates, refuses to switch until the hub accepts the new secret, then switches every hook', async () => {
    const generated = await run('rotate-secret', 'github');
    expect(generated.out).toMatch(/new secret: [0-9a-f]{64}/);
    expect(fake.hooks('acme/api')[0]?.config.secret).toBe('old-secret');
    writeConfig('["${GH_NEW}", "${GH_SECRET}"]');
    const refused = await run('rotate-secret', 'github');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refuses the new secret/);
    expect(fake.hooks('acme/api')[0]?.config.secret).toBe('old-secret');
    await restartHub();
    const switched = await run('rotate-secret', 'github');
    expect(switched.out).toMatch(/acme\/api: switched hook \d+ to the first secret/);
    expect(switched.out).toMatch(/Keep the old secret listed until/);
    expect(fake.hooks('acme/api')[0]?.config.secret).toBe('new-secret');
    expect(fake.hooks('acme/web')[0]?.config.secret).toBe('new-secret');
    expect((await run('rotate-secret', 'github')).out).toMatch(/already sign with its first secret/);
  });

  it('rotate-secret names the repo GitHub refused, with the likely fix, and switches nothing', async () => {
    writeConfig('["${GH_SECRET}", "${GH_NEW}"]', '[acme/api, acme/gone]');
    try {
      const result = await run('rotate-secret', 'github');
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/^error: acme\/gone: Not Found.*\[HTTP 404\] \(no such repo\/org/);
      expect(fake.hooks('acme/api')[0]?.config.secret).toBe('new-secret');
    } finally {
      writeConfig('["${GH_NEW}", "${GH_SECRET}"]');
    }
  });

  it('disconnect needs targets or --all, removes the hub hooks, and is idempotent', async () => {
    expect((await run('disconnect')).code).toBe(1);
    expect((await run('disconnect', '--all')).out).toMatch(/acme\/api: removed hook \d+\n/);
    expect((await run('disconnect', '--all')).out).toMatch(/acme\/api: no hub hook \(nothing to do\)/);
  });

  it('rotate-secret with no hub hook says so and exits 1, instead of a new secret for nothing', async () => {
    const result = await run('rotate-secret', 'github');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: connector "github" has no hub hook to rotate: run `hookhub github connect` first/);
    expect(result.out).not.toMatch(/new secret/);
  });
});
