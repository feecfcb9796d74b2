/**
 * A destination that answers an error echoing a secret (a key it refused, the webhook path it does not
 * know) never puts the secret in front of anyone: not in the attempt records and dead letters viewers
 * read (API, `dlq list`, `events show`), not in the log, not in the dead_lettered meta-event.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig, type HubConfig } from '../../src/config/load-config.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { eventually, tempDir } from '../helpers/hub-fixtures.ts';
import { runHubCli } from '../helpers/hub-cli.ts';
import { prPayload } from './api-harness.ts';
import { startSink, type Sink, type SinkRequest } from './delivery-harness.ts';

const ROUTING_KEY = 'sk_live_R0utingKeyFromTheEnv42';
const GITLAB_TOKEN = 'glptt-TriggerTokenFromTheEnv0123';
const HOOK_PATH = 'services/T000/B000/XXXXhookSecretXXXX';
const VIEWER = 'viewer-token-attempt-secrets-0123456789';
const SECRETS = [ROUTING_KEY, GITLAB_TOKEN, HOOK_PATH];
const masked = (secret: string) => `[redacted, ${secret.length} chars]`;

let sink: Sink;
let hub: RunningHub;
let config: HubConfig;
const lines: string[] = [];

/** What each destination says, echoing what it was sent, as real APIs do. */
function reply(request: SinkRequest): { status: number; body: string } {
  if (request.path === '/v2/enqueue') {
    const { routing_key } = JSON.parse(request.body) as { routing_key: string };
    return { status: 401, body: JSON.stringify({ error: `invalid key ${routing_key}` }) };
  }
  if (request.path.includes('/trigger/pipeline')) {
    const token = new URLSearchParams(request.body).get('token');
    const tries = sink.requests.filter((r) => r.path === request.path).length;
    return { status: tries === 1 ? 503 : 401, body: JSON.stringify({ message: `token ${token} is not valid` }) };
  }
  return { status: 404, body: `no such hook: ${request.path}` };
}

beforeAll(async () => {
  sink = await startSink();
  sink.reply = reply;
  const dir = tempDir('hookhub-attempt-secrets-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'rules.yaml'),
    `rules:
  - name: page
    on: ["github.**"]
    do:
      - webhook: { url: "${sink.url}/v2/enqueue", body: { routing_key: "\${PD_ROUTING_KEY}" } }
  - name: deploy
    on: ["github.**"]
    do:
      - ci: { provider: gitlab, url: "${sink.url}", project: 7, ref: main, token: "\${GITLAB_TOKEN}", retry: { schedule: [10ms] } }
  - name: tell
    on: ["github.**"]
    do:
      - notify: { channel: hooks, text: "{{type}}" }
`,
  );
  writeFileSync(
    join(dir, 'hookhub.yaml'),
    `server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hub.db }
connectors:
  github: { type: github, secret: attempt-secrets-github }
channels:
  hooks: { type: webhook, url: "\${HOOK_URL}" }
delivery: { allowPrivateNetworks: true }
rules: ./rules
api:
  tokens:
    - { name: victor, token: ${VIEWER}, role: viewer }
`,
  );
  const env = readEnv({ PD_ROUTING_KEY: ROUTING_KEY, GITLAB_TOKEN, HOOK_URL: `${sink.url}/${HOOK_PATH}` });
  config = await loadConfig(join(dir, 'hookhub.yaml'), env);
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  hub = await startHub({ config, env, logger: createLogger({ level: 'debug', destination }) });
  const body = Buffer.from(JSON.stringify(prPayload(5)));
  const ctx = { name: 'github', config: config.connectors.github as never, now: () => new Date() };
  const headers = githubConnector.sign(body, ctx, { id: 'echo-1', event: 'pull_request' });
  const res = await fetch(`http://127.0.0.1:${hub.port}/hooks/github`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  expect(res.status).toBe(202);
  const deadMetaEvents = async () => (await metaEvents(hub.bus)).length === 3;
  await eventually(async () => (await hub.bus.countDeadLetters()) === 3 && (await deadMetaEvents()), 15_000, 'three dead letters');
}, 30_000);

afterAll(async () => {
  await hub?.stop();
  await sink?.close();
});

async function metaEvents(bus: EventBus): Promise<HubEvent[]> {
  const all = await bus.query<HubEvent>({ stream: 'events', afterSeq: 0, limit: 1_000 });
  return all.map((m) => m.payload).filter((e) => e.type === 'hookhub.job.dead_lettered');
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

async function asViewer(path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${hub.port}${path}`, { headers: { authorization: `Bearer ${VIEWER}` } });
  expect(res.status).toBe(200);
  return res.text();
}

function cli(...args: string[]): Promise<string> {
  return runHubCli(hub, ...args);
}

describe('what a destination echoes of a secret', () => {
  it('was sent whole: the destinations really got the secrets', () => {
    const sent = sink.requests.map((r) => `${r.path} ${r.body}`).join('\n');
    for (const secret of SECRETS) expect(sent).toContain(secret);
  });

  it('is masked in the event page and its jobs, as a viewer reads them', async () => {
    for (const path of ['/api/events/echo-1', '/api/events/echo-1/jobs']) {
      const text = await asViewer(path);
      expectNoSecret(text);
      expect(text).toContain(`invalid key ${masked(ROUTING_KEY)}`);
      expect(text).toContain(`token ${masked(GITLAB_TOKEN)} is not valid`);
      expect(text).toContain(`no such hook: /${masked(HOOK_PATH)}`);
    }
  });

  it('is masked in the dead letters: GET /api/dlq, dlq list and its JSON', async () => {
    const api = await asViewer('/api/dlq');
    expectNoSecret(api);
    expect(api).toContain(`HTTP 401 from GitLab: token ${masked(GITLAB_TOKEN)} is not valid`);
    expectNoSecret(await cli('dlq', 'list'));
    const json = await cli('dlq', 'list', '--json');
    expect(JSON.parse(json)).toHaveLength(3);
    expectNoSecret(json);
    expect(json).toContain(`invalid key ${masked(ROUTING_KEY)}`);
    // Each letter's job, which a retry sends again, is printed with its params masked as on the event page.
    expect(json).toContain(`"routing_key": "${masked(ROUTING_KEY)}"`);
    expect(json).toContain(`"url": "${sink.url}/[redacted, 10 chars]"`);
  });

  it('is masked in events show, as text and as JSON', async () => {
    const text = await cli('events', 'show', 'echo-1');
    expectNoSecret(text);
    expect(text).toContain(`dead: permanent failure: HTTP 401 from GitLab: token ${masked(GITLAB_TOKEN)} is not valid`);
    const json = await cli('events', 'show', 'echo-1', '--json');
    expect((JSON.parse(json) as { jobs: unknown[] }).jobs).toHaveLength(3);
    expectNoSecret(json);
  });

  it('is masked in the log lines and in the dead_lettered meta-events', async () => {
    expect(lines.some((line) => line.includes('attempt failed; will retry'))).toBe(true);
    expect(lines.filter((line) => line.includes('"msg":"dead-lettered"'))).toHaveLength(3);
    expectNoSecret(lines.join('\n'));
    const events = await metaEvents(hub.bus);
    expectNoSecret(JSON.stringify(events));
    expect(JSON.stringify(events)).toContain(`token ${masked(GITLAB_TOKEN)} is not valid`);
    const meta = events.find((e) => e.subject === 'deploy');
    expectNoSecret(await asViewer(`/api/events/${encodeURIComponent(meta?.id ?? '')}`));
  });
});
