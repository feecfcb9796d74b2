/**
 * What a user is told when the GitHub App settings are wrong: a wrong installation id, or an installation that
 * may read the repo's hooks but not write them. Against the fake GitHub API, which answers as GitHub does
 * (404 on the token request; 403 with `x-accepted-github-permissions`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { registerGithubCommand } from '../../src/cli/github-command.ts';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { connectHook } from '../../src/github/connect-hook.ts';
import { startGithubSync } from '../../src/github/github-sync.ts';
import { desiredHook, githubConnector, requireApi } from '../../src/github/github-settings.ts';
import { parseHookTarget } from '../../src/github/hook-target.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { fakeClient } from '../helpers/fake-github-hub.ts';
import { openTempEmbeddedBus, tempDir } from '../helpers/hub-fixtures.ts';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const env = readEnv({ APP_KEY: keys.privateKey });
const MISSING_WRITE = /missing permission: give the App or fine-grained token Repository permissions > Webhooks: Read and write/;
let fake: FakeGithub;
let bus: EventBus;
let dir: string;

/** hookhub.yaml for the App's installation `installationId`; returns its path. */
function writeConfig(installationId: number): string {
  const file = join(dir, `hookhub-${installationId}.yaml`);
  writeFileSync(
    file,
    `server: { port: 8099, host: 127.0.0.1, publicUrl: "http://127.0.0.1:8099" }
bus: { type: embedded, path: ./data/hookhub.db }
connectors:
  github:
    type: github
    secret: s3cret
    apiUrl: "${fake.url}"
    app: { appId: "31337", installationId: ${installationId}, privateKey: "\${APP_KEY}" }
    repos: [acme/api]
`,
  );
  return file;
}

async function runCli(file: string, ...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride();
  registerGithubCommand(program, {
    env,
    write: (t) => (out += t),
    warn: (t) => (err += t),
    client: { writeIntervalMs: 0, retries: 0 },
  });
  process.exitCode = 0;
  await program.parseAsync(['node', 'hookhub', 'github', ...args, '-c', file]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

beforeAll(async () => {
  // The installation may read the repo's hooks, not write them.
  fake = await startFakeGithub({
    tokens: ['ghp_admin'],
    app: { appId: '31337', installationId: 42, publicKey: keys.publicKey, permissions: { repository_hooks: 'read' } },
  });
  fake.addRepo('acme/api');
  bus = await openTempEmbeddedBus();
  dir = tempDir('hookhub-github-errors-');
});
afterAll(async () => {
  await bus.close();
  await fake.close();
});

describe('GitHub App settings that do not work', () => {
  it('a wrong installation id is named as such, not as a missing repo', async () => {
    const { err, code } = await runCli(writeConfig(43), 'connect', 'acme/api');
    expect(code).toBe(1);
    expect(err).toMatch(
      /^acme\/api: error: GitHub App 31337 has no installation 43 \(GitHub answered 404: Not Found.*check app\.installationId/,
    );
    expect(err).not.toMatch(/no such repo/);
  });

  it('an installation without write access to hooks is told which permission to grant, by the CLI and in the sync log', async () => {
    const file = writeConfig(42);
    const { err, code } = await runCli(file, 'connect', 'acme/api');
    expect(code).toBe(1);
    expect(err).toMatch(/^acme\/api: error: Resource not accessible by integration.*\[HTTP 403\]/);
    expect(err).toMatch(MISSING_WRITE);

    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    const sync = startGithubSync({ config: await loadConfig(file, env), bus, logger, client: { writeIntervalMs: 0, retries: 0 } });
    try {
      await sync.ready;
      const failure = lines
        .map((line) => JSON.parse(line) as { msg?: string; err?: string })
        .find((l) => l.msg === 'GitHub hook setup failed');
      expect(failure?.err).toMatch(MISSING_WRITE);
    } finally {
      await sync.stop();
    }
  });

  it('a redelivery the installation may not request says which permission to grant', async () => {
    // A hook an admin made with a token of their own; the hub then fails a delivery.
    const owner = fake.addRepo('acme/api');
    const settings = githubConnector(await loadConfig(writeConfig(42), env), 'github');
    const desired = await desiredHook(settings, requireApi(settings).hookUrl);
    const { hookId } = await connectHook(fakeClient(fake.url, 'ghp_admin'), parseHookTarget('acme/api'), desired);
    const hook = owner.hooks.find((h) => h.id === hookId);
    if (!hook) throw new Error('no hook');
    const missed = await fake.store.deliver(owner, hook, { event: 'push', payload: { ref: 'refs/heads/main' } });
    const { out, code } = await runCli(writeConfig(42), 'reconcile', 'acme/api');
    expect(code).toBe(1);
    expect(out).toContain(`GitHub refused to redeliver ${missed.guid}: Resource not accessible by integration [HTTP 403]`);
    expect(out).toMatch(MISSING_WRITE);
  });
});
