import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig, type HubConfig } from '../../src/config/load-config.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { prPayload } from './api-harness.ts';
import { startSink, type Sink } from './delivery-harness.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/hookhub.js');
const ADMIN = 'meta-admin-token-0123456789abcdefghijkl';
let dir: string;
let config: HubConfig;
let hub: RunningHub;
let sink: Sink;
const down = new Set<string>();

const RULES = `rules:
  - name: to-app
    on: github.**
    do:
      - notify: { channel: app, text: "{{type}}" }
  - name: hub-trouble
    on: [hookhub.job.dead_lettered, hookhub.destination.circuit_opened, hookhub.destination.circuit_closed, hookhub.rules.reload_failed]
    do:
      - notify: { channel: ops, text: "{{title}}" }
`;

beforeAll(async () => {
  sink = await startSink();
  sink.reply = (request) => (down.has(request.path) ? { status: 500, body: 'down' } : { status: 200, body: 'ok' });
  dir = tempDir('hookhub-meta-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'rules.yaml'), RULES);
  writeFileSync(
    join(dir, 'hookhub.yaml'),
    `
server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hub.db }
connectors:
  github: { type: github, secret: meta-secret }
channels:
  app: { type: webhook, url: "${sink.url}/app", retry: { schedule: [10ms] }, circuitBreaker: { failures: 2, cooldown: 300ms } }
  ops: { type: webhook, url: "${sink.url}/ops", retry: { schedule: [10ms] }, circuitBreaker: { failures: 2, cooldown: 300ms } }
delivery: { allowPrivateNetworks: true }
rules: ./rules
api:
  tokens:
    - { name: admin, token: ${ADMIN}, role: admin }
`,
  );
  config = await loadConfig(join(dir, 'hookhub.yaml'), readEnv({}));
  hub = await startHub({ config, logger: silentLogger });
});

afterAll(async () => {
  await hub?.stop();
  await sink?.close();
});

async function sendPr(n: number): Promise<void> {
  const body = Buffer.from(JSON.stringify(prPayload(n)));
  const headers = githubConnector.sign(
    body,
    { name: 'github', config: config.connectors.github as never, now: () => new Date() },
    { id: `pr-${n}`, event: 'pull_request' },
  );
  const res = await fetch(`http://127.0.0.1:${hub.port}/hooks/github`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
  expect(res.status).toBe(202);
}

async function metaEvents(bus: EventBus, type: string): Promise<HubEvent[]> {
  const all = await bus.query<HubEvent>({ stream: 'events', afterSeq: 0, limit: 1_000 });
  return all.map((m) => m.payload).filter((e) => e.type === type);
}

const opsTexts = () => sink.requests.filter((r) => r.path === '/ops').map((r) => String((JSON.parse(r.body) as { text?: string }).text));

async function metric(type: string, outcome: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${hub.port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`hookhub_meta_events_total{type="${type}",outcome="${outcome}"}`));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('meta-events', () => {
  it('a dead-lettered job and the circuit it opened alert a channel through a rule; the circuit closing does too', async () => {
    down.add('/app');
    await sendPr(1);
    await sendPr(2);
    const dead = (await eventually(
      async () => (await metaEvents(hub.bus, 'hookhub.job.dead_lettered'))[0],
      10_000,
      'the dead_lettered meta-event',
    )) as HubEvent;
    expect(dead).toMatchObject({
      source: '/hookhub',
      connector: 'hookhub',
      subject: 'to-app',
      data: { rule: 'to-app', action: 'notify', destination: 'app', attempts: 2, eventType: 'github.pull_request.opened' },
    });
    expect((dead.data as { lastError: string }).lastError).toMatch(/^attempts exhausted \(2\): HTTP 500/);
    await eventually(
      () =>
        opsTexts().some((t) =>
          /^Job of rule to-app \(notify to app\) dead-lettered after 2 attempts: attempts exhausted \(2\): HTTP 500/.test(t),
        ),
      10_000,
      'the dead-letter alert on ops',
    );
    await eventually(
      () => opsTexts().some((t) => t === 'Circuit opened for channel:app: deliveries paused after repeated failures'),
      10_000,
      'the circuit alert on ops',
    );
    down.delete('/app');
    await sendPr(3);
    await eventually(
      () => opsTexts().includes('Circuit closed for channel:app: deliveries flow again'),
      10_000,
      'the circuit closed alert',
    );
    // They are ordinary events: the list API (and so the dashboard) shows them under the connector hookhub.
    const listed = (await (
      await fetch(`http://127.0.0.1:${hub.port}/api/events?connector=hookhub`, { headers: { authorization: `Bearer ${ADMIN}` } })
    ).json()) as { events: { type: string }[] };
    expect(listed.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['hookhub.job.dead_lettered', 'hookhub.destination.circuit_opened', 'hookhub.destination.circuit_closed']),
    );
  }, 30_000);

  it('a broken rule edit publishes rules.reload_failed with file:line, and the last good rules keep running', async () => {
    writeFileSync(
      join(dir, 'rules', 'broken.yaml'),
      'rules:\n  - name: broken\n    on: github.push\n    do:\n      - notify: { channel: nowhere, text: x }\n',
    );
    const failed = (await eventually(
      async () => (await metaEvents(hub.bus, 'hookhub.rules.reload_failed'))[0],
      10_000,
      'reload_failed',
    )) as HubEvent;
    expect((failed.data as { errors: string[] }).errors[0]).toMatch(/broken\.yaml:5:\d+: .*nowhere/);
    await eventually(
      () => opsTexts().some((t) => t.startsWith('Rules reload failed (1 error); the last good rules keep running: ')),
      10_000,
      'the reload alert',
    );
    expect(hub.rules.getRuleSet().rules.map((r) => r.name)).toEqual(['to-app', 'hub-trouble']);
    rmSync(join(dir, 'rules', 'broken.yaml'));
    await eventually(() => hub.rules.degraded() === undefined, 10_000, 'the rules healthy again');
  }, 30_000);

  it('loop protection: an alert job that fails is dead-lettered and opens its circuit without another meta-event', async () => {
    down.add('/ops');
    const before = (await metaEvents(hub.bus, 'hookhub.job.dead_lettered')).length;
    const { stdout } = await run(process.execPath, [
      BIN,
      'trigger',
      'hookhub',
      'job.dead_lettered',
      '--config',
      join(dir, 'hookhub.yaml'),
      '--url',
      `http://127.0.0.1:${hub.port}`,
    ]);
    expect(stdout).toMatch(/^202 \{"id":"sample:[0-9a-f-]{36}","type":"hookhub.job.dead_lettered","duplicate":false\}/);
    await eventually(async () => (await metric('hookhub.job.dead_lettered', 'suppressed')) === 1, 15_000, 'the suppressed dead letter');
    await eventually(
      async () => (await metric('hookhub.destination.circuit_opened', 'suppressed')) === 1,
      15_000,
      'the suppressed circuit change',
    );
    // The alert's own dead letter is in the DLQ, but the only new dead_lettered event is the sample itself.
    const after = await metaEvents(hub.bus, 'hookhub.job.dead_lettered');
    expect(after.length - before).toBe(1);
    expect((after.at(-1)?.data as { sample?: boolean }).sample).toBe(true);
    const dlq = (await (await fetch(`http://127.0.0.1:${hub.port}/api/dlq`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
      letters: { id: string }[];
    };
    expect(dlq.letters.map((i) => i.id)).toContainEqual(expect.stringMatching(/^sample:.*:hub-trouble:0$/));
    expect(await metaEvents(hub.bus, 'hookhub.destination.circuit_opened')).toHaveLength(1);
  }, 60_000);

  it('rules test --sample hookhub:job.dead_lettered shows the rule that would alert', async () => {
    const { stdout } = await run(process.execPath, [
      BIN,
      'rules',
      'test',
      '--sample',
      'hookhub:job.dead_lettered',
      '--config',
      join(dir, 'hookhub.yaml'),
    ]);
    expect(stdout).toContain('hub-trouble');
    expect(stdout).toContain('Job of rule notify-payments (notify to payments) dead-lettered after 10 attempts');
  }, 30_000);
});
