/**
 * Secrets the hub obtains while it runs, which hookhub.yaml does not hold: the JWT a GitHub App's key
 * signs and the installation token GitHub trades for it, and the JWT and NKey seed in the file
 * `bus.auth.credsFile` names. When an answer echoes them (a proxy, an error that quotes the request),
 * they are masked in `dlq list --json`, `events show` and the log as hookhub.yaml's own secrets are.
 * A real nats-server, a real local GitHub stand-in and destination.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { runHubCli } from '../helpers/hub-cli.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { natsUserCreds } from '../helpers/nats-creds.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { startSink, type Sink, type SinkReply, type SinkRequest } from './delivery-harness.ts';
import { GITHUB_SECRET, sendGithub } from './subscriptions-harness.ts';

const INSTALLATION_TOKEN = 'ghs_installationToken0123456789abcdef';
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const CREDS = natsUserCreds('hookhub');
// The server asks for no credentials: the hub sends the file's JWT all the same, and reads the file as it would for one that does.
const nats = useNatsServer();
let github: Sink;
let hub: RunningHub;
let jwt = '';
const lines: string[] = [];
const JSON_TYPE = { 'content-type': 'application/json' };

/** GitHub mints the installation token for the App's JWT, then refuses the check, quoting both; `/echo` quotes the creds file. */
function reply(request: SinkRequest): SinkReply {
  if (request.path === '/echo') return { status: 401, body: `refused; the bus has jwt=${CREDS.jwt} seed=${CREDS.seed}` };
  if (request.path === '/app/installations/42/access_tokens') {
    jwt = (request.headers.authorization ?? '').replace(/^bearer /i, '');
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    return { status: 201, headers: JSON_TYPE, body: JSON.stringify({ token: INSTALLATION_TOKEN, expires_at: expiresAt }) };
  }
  const message = `Resource not accessible by integration (got ${request.headers.authorization}; app ${jwt})`;
  return { status: 403, headers: JSON_TYPE, body: JSON.stringify({ message }) };
}

beforeAll(async () => {
  github = await startSink();
  github.reply = reply;
  const dir = tempDir('hookhub-runtime-secrets-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'hub.creds'), CREDS.text);
  writeFileSync(
    join(dir, 'rules', 'rules.yaml'),
    `rules:
  - name: echo
    on: ["github.pull_request.**"]
    do: [{ webhook: { url: "${github.url}/echo" } }]
`,
  );
  writeFileSync(
    join(dir, 'hookhub.yaml'),
    `server: { port: 0, host: 127.0.0.1 }
bus: { type: nats, url: "${nats().url}", auth: { credsFile: ./hub.creds } }
connectors:
  github:
    type: github
    secret: ${GITHUB_SECRET}
    apiUrl: "${github.url}"
    app: { appId: "31337", installationId: 42, privateKey: "\${APP_KEY}" }
    rulesCheck: { repo: acme/rules, path: rules/ }
delivery: { allowPrivateNetworks: true }
rules: ./rules
`,
  );
  const config = await loadConfig(join(dir, 'hookhub.yaml'), readEnv({ APP_KEY: privateKey }));
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  hub = await startHub({ config, logger: createLogger({ level: 'debug', destination }) });
  const pullRequest = {
    action: 'opened',
    number: 7,
    pull_request: { number: 7, head: { sha: 'c0ffee01' }, base: { sha: 'b0b0b0b0' } },
    repository: { full_name: 'acme/rules' },
    sender: { login: 'ben' },
  };
  expect(await sendGithub(hub.port, 'pull_request', pullRequest)).toBe(202);
  await eventually(async () => (await hub.bus.countDeadLetters()) === 2, 20_000, 'the check and the webhook dead-lettered');
}, 40_000);

afterAll(async () => {
  await hub?.stop();
  await github?.close();
});

const secrets = () => [INSTALLATION_TOKEN, jwt, CREDS.jwt, CREDS.seed];

function expectMasked(text: string): void {
  for (const secret of secrets()) expect(text).not.toContain(secret);
  expect(text).toContain('[redacted, ');
}

describe("what answers echo of the tokens a GitHub App key mints, and of the bus's creds file", () => {
  it('was sent and echoed: GitHub got the JWT and then the installation token', () => {
    expect(jwt.split('.')).toHaveLength(3);
    expect(github.requests.map((r) => r.headers.authorization)).toContain(`token ${INSTALLATION_TOKEN}`);
  });

  it('is masked in dlq list --json and in events show', async () => {
    const json = await runHubCli(hub, 'dlq', 'list', '--json');
    expect(json).toContain('Resource not accessible by integration (got token [redacted, ');
    expect(json).toMatch(/jwt=\[redacted, \d+ chars\] seed=\[redacted, \d+ chars\]/);
    expectMasked(json);
    expect(JSON.parse(json)).toHaveLength(2);
    const events = await hub.bus.query<HubEvent>({ stream: 'events', afterSeq: 0, limit: 10 });
    const event = events.map((m) => m.payload).find((e) => e.type === 'github.pull_request.opened');
    expect(event).toBeDefined();
    expectMasked(await runHubCli(hub, 'events', 'show', event?.id ?? ''));
    expectMasked(await runHubCli(hub, 'events', 'show', event?.id ?? '', '--json'));
  });

  it('is masked in the log', () => {
    expect(lines.filter((line) => line.includes('"msg":"dead-lettered"'))).toHaveLength(2);
    for (const secret of secrets()) expect(lines.join('\n')).not.toContain(secret);
  });
});
