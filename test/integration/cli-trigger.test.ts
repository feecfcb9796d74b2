import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { silentLogger, tempDir } from '../helpers/hub-fixtures.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/hookhub.js');
let hub: RunningHub;
let configPath: string;

beforeAll(async () => {
  const dir = tempDir('hookhub-cli-');
  configPath = join(dir, 'hookhub.yaml');
  writeFileSync(join(dir, 'empty.yaml'), 'rules: []\n');
  writeFileSync(
    configPath,
    `
server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hub.db }
connectors:
  gh: { type: github, secret: cli-secret }
  pay: { type: stripe, secret: whsec_cli }
  lin: { type: linear, secret: lin-secret }
rules: ./empty.yaml
`,
  );
  hub = await startHub({ config: await loadConfig(configPath, readEnv({})), logger: silentLogger });
});

afterAll(async () => {
  await hub?.stop();
});

async function trigger(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [
    BIN,
    'trigger',
    ...args,
    '--config',
    configPath,
    '--url',
    `http://127.0.0.1:${hub.port}`,
  ]);
  return stdout.trim();
}

describe('hookhub trigger', () => {
  it('signs a bundled sample as the provider would, and each run is a new delivery', async () => {
    // GitHub signs only the body, and the hub dedups on it: each trigger marks its sample as its own.
    for (let i = 0; i < 2; i++) expect(await trigger('gh', 'pull_request')).toMatch(/^202 \{"id":"[0-9a-f-]{36}","duplicate":false\}$/);
    // Stripe and Linear carry an id or a timestamp inside the signed body: each trigger refreshes it.
    for (let i = 0; i < 2; i++)
      expect(await trigger('stripe', 'payment_intent.succeeded')).toMatch(/^202 \{"id":"evt_[0-9a-f]{32}","duplicate":false\}$/);
    expect(await trigger('lin', Object.keys((await import('../../connectors/linear/index.ts')).linearConnector.samples)[0]!)).toMatch(
      /^202 /,
    );
  }, 60_000);

  it('sends the --id it is given as the delivery id, a Stripe evt_ id included', async () => {
    expect(await trigger('gh', 'push', '--id', 'cli-given-1')).toMatch(/^202 \{"id":"cli-given-1","duplicate":false\}$/);
    expect(await trigger('stripe', 'payment_intent.succeeded', '--id', 'evt_cli_given')).toMatch(
      /^202 \{"id":"evt_cli_given","duplicate":false\}$/,
    );
  }, 30_000);

  it('explains an unknown sample and exits non-zero', async () => {
    const failure = await trigger('gh', 'nope').then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/no "nope" sample for github; available: .*pull_request/);
  }, 30_000);

  it('says what to check when the hub refuses the signature, on stderr, and exits non-zero', async () => {
    const otherConfig = join(tempDir('hookhub-cli-other-'), 'hookhub.yaml');
    writeFileSync(otherConfig, 'connectors:\n  gh: { type: github, secret: not-the-hubs }\n');
    const failure = await run(process.execPath, [
      BIN,
      'trigger',
      'gh',
      'push',
      '--config',
      otherConfig,
      '--url',
      `http://127.0.0.1:${hub.port}`,
    ]).then(
      () => undefined,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    // An error, so nothing on stdout: a script reading the result must not take the 401 for one.
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr).toMatch(/^error: the hub answered 401 \{"error":.*\}\n/);
    expect(failure?.stderr).toContain(`refused the signature: trigger signed with connectors.gh.secret as ${otherConfig}`);
    expect(failure?.stderr).not.toContain('not-the-hubs');
  }, 30_000);

  it('says where it looked when no hub is listening, and exits non-zero', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const { port } = closed.address() as { port: number };
    await new Promise((done) => closed.close(done));
    const failure = await run(process.execPath, [
      BIN,
      'trigger',
      'gh',
      'push',
      '--config',
      configPath,
      '--url',
      `http://127.0.0.1:${port}`,
    ]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`cannot reach the hub at http://127.0.0.1:${port} (ECONNREFUSED): is it running (hookhub start)?`);
  }, 30_000);
});
