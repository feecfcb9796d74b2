/**
 * The GitHub clients outside the delivery workers: the hub's GitHub sync and `hookhub github …`. A GitHub
 * App's key mints their JWTs and installation tokens too, and GitHub's answers, which their errors quote,
 * may echo them (a proxy, an error that quotes the request): the sync's log and the CLI's stderr and
 * errors mask them. A real local GitHub stand-in that mints a token, then refuses every call quoting it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGithubCommand } from '../../src/cli/github-command.ts';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { startSink, type Sink, type SinkReply, type SinkRequest } from './delivery-harness.ts';

const INSTALLATION_TOKEN = 'ghs_syncInstallationToken0123456789ab';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const env = readEnv({ APP_KEY: privateKey });
const JSON_TYPE = { 'content-type': 'application/json' };

let github: Sink;
let hub: RunningHub;
let file = '';
const jwts: string[] = [];
const lines: string[] = [];

/** GitHub mints the installation token for the App's JWT, then refuses every call, quoting both. */
function reply(request: SinkRequest): SinkReply {
  if (request.path.startsWith('/app/installations/42/access_tokens')) {
    jwts.push((request.headers.authorization ?? '').replace(/^bearer /i, ''));
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    return { status: 201, headers: JSON_TYPE, body: JSON.stringify({ token: INSTALLATION_TOKEN, expires_at: expiresAt }) };
  }
  const message = `Must have admin rights to Repository (got ${request.headers.authorization}; app ${jwts.at(-1)})`;
  return { status: 403, headers: JSON_TYPE, body: JSON.stringify({ message }) };
}

beforeAll(async () => {
  github = await startSink();
  github.reply = reply;
  const dir = tempDir('hookhub-github-secrets-');
  file = join(dir, 'hookhub.yaml');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    file,
    `server: { port: 0, host: 127.0.0.1, publicUrl: "http://127.0.0.1:9" }
bus: { type: embedded, path: ./data/hookhub.db }
connectors:
  github:
    type: github
    secret: webhook-secret-0123
    apiUrl: "${github.url}"
    app: { appId: "31337", installationId: 42, privateKey: "\${APP_KEY}" }
    repos: [acme/api]
`,
  );
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  hub = await startHub({ config: await loadConfig(file, env), logger: createLogger({ level: 'debug', destination }) });
  await eventually(() => lines.some((line) => line.includes('GitHub reconciliation failed')), 20_000, 'the sync failed on GitHub');
}, 40_000);

afterAll(async () => {
  await hub?.stop();
  await github?.close();
});

const secrets = () => [INSTALLATION_TOKEN, ...jwts];

function expectMasked(text: string): void {
  for (const secret of secrets()) expect(text).not.toContain(secret);
  expect(text).toContain('Must have admin rights to Repository (got token [redacted, ');
}

/** Runs `hookhub github …` in this process: what it prints, and the message of what it throws (main prints it on stderr). */
async function runCli(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride();
  registerGithubCommand(program, { env, write: (t) => (out += t), warn: (t) => (err += t), client: { writeIntervalMs: 0, retries: 0 } });
  try {
    await program.parseAsync(['node', 'hookhub', 'github', ...args, '-c', file]);
  } catch (e) {
    err += `error: ${(e as Error).message}\n`;
  }
  process.exitCode = 0;
  return { out, err };
}

describe('what GitHub echoes of the tokens the sync and the CLI send', () => {
  it('was sent and echoed: GitHub got a JWT, then the installation token', () => {
    expect(jwts[0]?.split('.')).toHaveLength(3);
    expect(github.requests.map((r) => r.headers.authorization)).toContain(`token ${INSTALLATION_TOKEN}`);
  });

  it("is masked in the sync's log", () => {
    const log = lines.join('\n');
    expect(lines.some((line) => line.includes('GitHub hook setup failed'))).toBe(true);
    expectMasked(log);
  });

  it("is masked in the CLI's warnings and errors", async () => {
    const listed = await runCli('list');
    expect(listed.err).toContain('acme/api: error: ');
    expectMasked(listed.err);
    const rotated = await runCli('rotate-secret', 'github', '--dry-run');
    expect(rotated.err).toMatch(/^error: /);
    expectMasked(rotated.err);
  });
});
