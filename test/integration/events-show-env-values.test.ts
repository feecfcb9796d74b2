/**
 * `hookhub events show --json` masks what the rule files take from the environment in job params, as
 * GET /api/events/:id does, reading only the rule files' text; what it cannot know, it says on stderr.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { startHub } from '../../src/hub.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { prPayload } from './api-harness.ts';
import { startSink, type Sink } from './delivery-harness.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/hookhub.js');
const ROUTING_KEY = 'R0utingKeyFromTheEnv-for-events-show';
const MASK = `[redacted, ${ROUTING_KEY.length} chars]`;
let dir: string;
let sink: Sink;

beforeAll(async () => {
  sink = await startSink();
  dir = tempDir('hookhub-events-show-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'page.yaml'),
    `rules:
  - name: page
    on: ["github.**"]
    do:
      - webhook: { url: "${sink.url}/v2/enqueue", body: { routing_key: "\${PD_ROUTING_KEY}", note: "key \${PD_ROUTING_KEY}" } }
`,
  );
  writeFileSync(
    join(dir, 'hookhub.yaml'),
    `server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hub.db }
connectors:
  github: { type: github, secret: events-show-secret }
delivery: { allowPrivateNetworks: true }
rules: ./rules
`,
  );
  const env = readEnv({ PD_ROUTING_KEY: ROUTING_KEY });
  const config = await loadConfig(join(dir, 'hookhub.yaml'), env);
  const hub = await startHub({ config, env, logger: silentLogger });
  try {
    const body = Buffer.from(JSON.stringify(prPayload(3)));
    const ctx = { name: 'github', config: config.connectors.github as never, now: () => new Date() };
    const headers = githubConnector.sign(body, ctx, { id: 'show-1', event: 'pull_request' });
    const res = await fetch(`http://127.0.0.1:${hub.port}/hooks/github`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(202);
    await eventually(async () => (await hub.bus.records('show-1:page:0')).some((r) => r.kind === 'attempt'), 10_000, 'the delivery');
  } finally {
    await hub.stop();
  }
  // A rule file with errors (a channel that does not exist) keeps no other file's values from being masked.
  writeFileSync(
    join(dir, 'rules', 'broken.yaml'),
    'rules:\n  - name: broken\n    on: github.push\n    do:\n      - notify: { channel: nowhere, text: x }\n',
  );
}, 30_000);

afterAll(() => sink?.close());

async function show(vars: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...vars };
  return run(process.execPath, [BIN, 'events', 'show', 'show-1', '--json', '--config', join(dir, 'hookhub.yaml')], { env });
}

describe('hookhub events show --json', () => {
  it('masks what the rule files take from the environment in job params, though a rule file has errors', async () => {
    expect(sink.requests[0]?.body).toContain(ROUTING_KEY);
    const { stdout, stderr } = await show({ PD_ROUTING_KEY: ROUTING_KEY });
    expect(stdout).not.toContain(ROUTING_KEY);
    expect(stdout).toContain(`"routing_key": "${MASK}"`);
    expect(stdout).toContain(`"note": "key ${MASK}"`);
    expect(stderr).toBe('');
  }, 30_000);

  it('says on stderr which variables it could not read, when run without the hub environment', async () => {
    const { stdout, stderr } = await show({});
    expect(stderr).toMatch(/^warning: the rule files take PD_ROUTING_KEY from the environment, unset here: their values may show unmasked/);
    expect(JSON.parse(stdout)).toMatchObject({ summary: { id: 'show-1' } });
  }, 30_000);

  it('says so when it cannot read the rules, and still masks what it can (the webhook URL by its origin)', async () => {
    renameSync(join(dir, 'rules'), join(dir, 'rules-moved'));
    const { stdout, stderr } = await show({ PD_ROUTING_KEY: ROUTING_KEY });
    expect(stderr).toMatch(/^warning: cannot read the rules \(.*rules.*no such file or folder\): /);
    expect(stdout).toContain(`"url": "${sink.url}/[redacted, 10 chars]"`);
  }, 30_000);
});
