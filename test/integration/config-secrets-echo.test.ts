/**
 * Destinations that echo what hookhub.yaml holds (a connector's signing secret, the chat bot token, the
 * NATS token, an API token), or a secret in another form (percent-encoded with upper- or lowercase hex, base64, base64url, the
 * `Basic base64(user:token)` the hub builds for Jenkins): none of it reaches the attempt records,
 * `dlq list --json`, `events show` or the log. A real nats-server that wants a token, real local destinations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { runHubCli } from '../helpers/hub-cli.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { startSink, type Sink, type SinkRequest } from './delivery-harness.ts';
import { GITHUB_SECRET, SLACK_SECRET, sendPullRequest, sendSlashCommand } from './subscriptions-harness.ts';

const NATS_TOKEN = 'nats-token-of-the-hub-0123456';
const BOT_TOKEN = 'xoxb-bot-token-of-the-hub-0123';
const STRIPE_SECRET = 'whsec_Str+ipe/Signing=Secret0123';
const ADMIN = 'admin-token-config-secrets-0123456789';
const VIEWER = 'viewer-token-config-secrets-0123456789';
const JENKINS_TOKEN = 'jenkins-api-token-0123456789';
const basic = `Basic ${Buffer.from(`deployer:${JENKINS_TOKEN}`).toString('base64')}`;

/** What the destinations echo, each as it is echoed, and the secrets themselves. */
const ECHOED = {
  connector: GITHUB_SECRET,
  percent: encodeURIComponent(STRIPE_SECRET),
  lowercase: encodeURIComponent(STRIPE_SECRET).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
  base64: Buffer.from(SLACK_SECRET).toString('base64'),
  nats: NATS_TOKEN,
  base64url: Buffer.from(ADMIN).toString('base64url'),
};
const SECRETS = [...Object.values(ECHOED), STRIPE_SECRET, SLACK_SECRET, ADMIN, BOT_TOKEN, JENKINS_TOKEN, basic];

const nats = useNatsServer({ args: ['--auth', NATS_TOKEN] });
let sink: Sink;
let hub: RunningHub;
const lines: string[] = [];

/** Each destination refuses, echoing what it got or knows, as real APIs and proxies do. */
function reply(request: SinkRequest): { status: number; body: string } {
  if (request.path.startsWith('/commands/')) return { status: 200, body: '{}' };
  if (request.path === '/api/chat.postMessage')
    return { status: 401, body: JSON.stringify({ ok: false, error: 'invalid_auth', got: request.headers.authorization }) };
  if (request.path.startsWith('/crumbIssuer')) return { status: 401, body: `bad credentials: ${request.headers.authorization}` };
  const seen = Object.entries(ECHOED).map(([kind, text]) => `${kind}=${text}`);
  return { status: 401, body: `refused; seen ${seen.join(' ')}` };
}

beforeAll(async () => {
  sink = await startSink();
  sink.reply = reply;
  const dir = tempDir('hookhub-config-secrets-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'rules.yaml'),
    `rules:
  - name: echo
    on: ["github.pull_request.**"]
    do:
      - webhook: { url: "${sink.url}/echo" }
  - name: deploy
    on: ["github.pull_request.**"]
    do:
      - ci: { provider: jenkins, url: "${sink.url}", job: api, user: deployer, token: "\${JENKINS_TOKEN}" }
`,
  );
  writeFileSync(
    join(dir, 'hookhub.yaml'),
    `server: { port: 0, host: 127.0.0.1 }
bus: { type: nats, url: "${nats().url}", auth: { token: "\${NATS_TOKEN}" } }
connectors:
  github: { type: github, secret: ${GITHUB_SECRET} }
  slack: { type: slack, secret: ${SLACK_SECRET} }
  stripe: { type: stripe, secret: "${STRIPE_SECRET}" }
delivery: { allowPrivateNetworks: true }
rules: ./rules
api:
  tokens:
    - { name: ada, token: ${ADMIN}, role: admin }
    - { name: victor, token: ${VIEWER}, role: viewer }
subscriptions:
  allow: { users: [slack:T1/U0ANA] }
  slack: { botToken: "\${SLACK_BOT_TOKEN}", apiUrl: "${sink.url}/api" }
`,
  );
  const env = readEnv({ NATS_TOKEN, SLACK_BOT_TOKEN: BOT_TOKEN, JENKINS_TOKEN });
  const config = await loadConfig(join(dir, 'hookhub.yaml'), env);
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  hub = await startHub({ config, env, logger: createLogger({ level: 'debug', destination }) });
  const subscribed = await sendSlashCommand(hub.port, sink.url, 'subscribe acme/api pulls');
  expect(subscribed.status).toBe(200);
  await eventually(() => sink.requests.some((r) => r.path === subscribed.responsePath), 15_000, 'the subscribe reply');
  expect(await sendPullRequest(hub.port, { number: 7 })).toBe(202);
  await eventually(async () => (await hub.bus.countDeadLetters()) === 3, 20_000, 'three dead letters');
}, 40_000);

afterAll(async () => {
  await hub?.stop();
  await sink?.close();
});

async function pullRequestEvent(): Promise<HubEvent> {
  const all = await hub.bus.query<HubEvent>({ stream: 'events', afterSeq: 0, limit: 1_000 });
  const found = all.map((m) => m.payload).find((e) => e.type === 'github.pull_request.opened');
  expect(found).toBeDefined();
  return found!;
}

function expectMasked(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).toContain('[redacted, ');
}

function cli(...args: string[]): Promise<string> {
  return runHubCli(hub, ...args);
}

describe("what destinations echo of hookhub.yaml's secrets, and of secrets in other forms", () => {
  it('was sent and echoed whole: the destinations really got and answered the secrets', () => {
    const got = sink.requests.map((r) => r.headers.authorization ?? '').join('\n');
    expect(got).toContain(`Bearer ${BOT_TOKEN}`);
    expect(got).toContain(basic);
  });

  it('is masked in the attempt records a viewer reads', async () => {
    const event = await pullRequestEvent();
    const res = await fetch(`http://127.0.0.1:${hub.port}/api/events/${encodeURIComponent(event.id)}/jobs`, {
      headers: { authorization: `Bearer ${VIEWER}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expectMasked(text);
    for (const kind of Object.keys(ECHOED)) expect(text).toMatch(new RegExp(`${kind}=[^ ]{0,3}\\[redacted, \\d+ chars\\]`));
    expect(text).toContain('Basic ');
    expect(text).toContain('Bearer [redacted, ');
  });

  it('is masked in dlq list --json and in events show', async () => {
    const json = await cli('dlq', 'list', '--json');
    expect(JSON.parse(json)).toHaveLength(3);
    expectMasked(json);
    const event = await pullRequestEvent();
    expectMasked(await cli('events', 'show', event.id));
    expectMasked(await cli('events', 'show', event.id, '--json'));
  });

  it('is masked in the log', () => {
    expect(lines.filter((line) => line.includes('"msg":"dead-lettered"'))).toHaveLength(3);
    for (const secret of SECRETS) expect(lines.join('\n')).not.toContain(secret);
  });
});
