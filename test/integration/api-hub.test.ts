/** The operator API as `hookhub start` serves it: wired into startHub next to /hooks and /approvals. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { githubConnector } from '../../connectors/github/index.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer, GITHUB_SECRET, prPayload, RULES } from './api-harness.ts';
import { startSink, type Sink } from './delivery-harness.ts';

let hub: RunningHub;
let sink: Sink;
let base: string;
let config: ReturnType<typeof parseConfig>;

beforeAll(async () => {
  sink = await startSink();
  const dir = tempDir('hookhub-api-hub-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'github.yaml'), RULES);
  const yaml = `server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hookhub.db }
connectors:
  github: { type: github, secret: ${GITHUB_SECRET} }
channels:
  sink: { type: webhook, url: "${sink.url}/deliver", circuitBreaker: { failures: 2, cooldown: 1h } }
delivery: { allowlist: [127.0.0.1] }
rules: ./rules
api:
  tokens: [{ name: alice, token: "\${ADMIN}", role: admin }]
`;
  config = parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({ ADMIN: ADMIN_TOKEN }));
  hub = await startHub({ config, logger: silentLogger });
  base = `http://127.0.0.1:${hub.port}`;
});
afterAll(async () => {
  await hub?.stop();
  await sink?.close();
});

describe('startHub serves the API and dashboard', () => {
  it('shows a webhook received on /hooks, delivered by the workers, with its request headers', async () => {
    const body = Buffer.from(JSON.stringify(prPayload(3)));
    const headers = githubConnector.sign(
      body,
      { name: 'github', config: config.connectors.github as never, now: () => new Date() },
      { id: 'hub-1', event: 'pull_request' },
    );
    expect(
      (await fetch(`${base}/hooks/github`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })).status,
    ).toBe(202);
    const detail = await eventually(
      async () => {
        const d = (await (await fetch(`${base}/api/events/hub-1`, { headers: bearer(ADMIN_TOKEN) })).json()) as {
          summary?: { status: string };
        };
        return d.summary?.status === 'delivered' ? d : undefined;
      },
      10_000,
      'delivered',
    );
    expect(detail).toMatchObject({ request: { headers: { 'x-github-delivery': 'hub-1' } } });
    const connectors = (await (await fetch(`${base}/api/connectors`, { headers: bearer(ADMIN_TOKEN) })).json()) as {
      connectors: { answers: { accepted: number } }[];
    };
    expect(connectors.connectors[0]?.answers.accepted).toBe(1);
  });

  it('keeps every other route: health, the approvals handler, the dashboard, auth', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/approvals/not-a-token`)).status).toBe(403);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
  });

  it("shows the live breaker of this process's delivery worker on /api/channels", async () => {
    const channel = async () => {
      const res = (await (await fetch(`${base}/api/channels`, { headers: bearer(ADMIN_TOKEN) })).json()) as {
        channels: { name: string; circuit: string; circuitSource: string }[];
      };
      return res.channels.find((c) => c.name === 'sink');
    };
    expect(await channel()).toMatchObject({ circuit: 'closed', circuitSource: 'worker' });
    sink.reply = () => ({ status: 503 });
    for (const id of ['hub-down-1', 'hub-down-2']) {
      const body = Buffer.from(JSON.stringify(prPayload(4)));
      const headers = githubConnector.sign(
        body,
        { name: 'github', config: config.connectors.github as never, now: () => new Date() },
        { id, event: 'pull_request' },
      );
      expect(
        (await fetch(`${base}/hooks/github`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })).status,
      ).toBe(202);
    }
    const open = await eventually(
      async () => ((await channel())?.circuit === 'open' ? channel() : undefined),
      10_000,
      'the breaker opened',
    );
    expect(open).toMatchObject({ circuit: 'open', circuitSource: 'worker' });
  });
});
