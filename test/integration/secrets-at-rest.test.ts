/**
 * Secrets at rest (issue 14 item 8): a rule's `${VAR}` secrets stay references in stored jobs and
 * are resolved by the worker at send time; the approval link verifies with the resolved secret.
 */
import { readFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/actions/action.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { startFakeApi, type FakeApi } from '../unit/actions/ci/fake-api.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { GITHUB_SECRET, sendGithub } from './subscriptions-harness.ts';

const TOKEN = 'masto-token-0f9a8b7c6d5e4f3a2b1c';
const APPROVAL = 'approval-secret-5d1e8f0a9b3c7d2e6f4a0b1c';

describe('secrets in rule params', () => {
  let dir: string;
  let hub: RunningHub;
  let chat: FakeApi;
  let masto: FakeApi;
  beforeAll(async () => {
    dir = tempDir('hookhub-secrets-');
    chat = await startFakeApi(() => ({ status: 200, body: 'ok' }));
    masto = await startFakeApi(() => ({ status: 200, body: { id: '7', url: 'https://mastodon.example/@hub/7' } }));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(
      join(dir, 'rules', 'post.yaml'),
      `rules:
  - name: announce
    on: github.push
    do:
      - crosspost:
          platform: mastodon
          instance: ${masto.url}
          token: \${MASTODON_TOKEN}
          text: "pushed {{subject}}"
          approval: { channel: ops, url: "https://hub.example", secret: "\${APPROVAL_SECRET}" }
`,
    );
    const yaml = `server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./data/hookhub.db }
connectors:
  github: { type: github, secret: ${GITHUB_SECRET} }
channels:
  ops: { type: slack, url: "${chat.url}/hook" }
delivery: { allowlist: [127.0.0.1] }
rules: ./rules
`;
    const env = readEnv({ MASTODON_TOKEN: TOKEN, APPROVAL_SECRET: APPROVAL });
    hub = await startHub({ config: parseConfig(join(dir, 'hookhub.yaml'), yaml, env), logger: silentLogger, env });
  });
  afterAll(async () => {
    await hub?.stop();
    await chat?.close();
    await masto?.close();
  });

  it('stores ${VAR} references, never the token or the approval secret; the worker and the approval link resolve them', async () => {
    expect(
      await sendGithub(hub.port, 'push', {
        ref: 'refs/heads/main',
        repository: { full_name: 'acme/api' },
        sender: { login: 'ana' },
        commits: [],
      }),
    ).toBe(202);
    await eventually(() => chat.requests.length === 1, 10_000, 'the approval request');
    const [stored] = (await hub.bus.query<Job>({ stream: 'jobs', limit: 10 })).filter((m) => m.payload.action === 'crosspost');
    expect(stored?.payload.params).toMatchObject({ token: '${MASTODON_TOKEN}', approval: { secret: '${APPROVAL_SECRET}' } });
    expect(stored?.payload.secretRefs).toEqual(expect.arrayContaining([['token'], ['approval', 'secret']]));

    // The link points at the configured public URL; this hub listens on a local port.
    const path = /https:\/\/hub\.example(\/approvals\/[A-Za-z0-9_.-]+)/.exec(chat.requests[0]!.body)?.[1] ?? '';
    const approved = await fetch(`http://127.0.0.1:${hub.port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=approve',
    });
    expect(approved.status).toBe(200);
    await eventually(() => masto.requests.length === 1, 10_000, 'the post');
    expect(masto.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);

    const files = ['hookhub.db', 'hookhub.db-wal'].map((f) => join(dir, 'data', f)).filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.includes('${MASTODON_TOKEN}')).toBe(true);
    expect(bytes.includes(TOKEN)).toBe(false);
    expect(bytes.includes(APPROVAL)).toBe(false);
  });
});
