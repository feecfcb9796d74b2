import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: { text?: string; blocks?: Array<{ type: string; text?: { type: string; text: string } }> };
}

const RULES = `
rules:
  - name: prs-to-eng
    on: github.pull_request.opened
    when:
      data.pull_request.draft: false
    do:
      - notify: { channel: eng, text: "{{title}} by {{actor}} {{url}}" }
`;

function startSink(received: Received[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'] });
      res.end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack` })),
  );
}

function hubConfig(busYaml: string, sinkUrl: string) {
  const dir = tempDir('hookhub-e2e-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'eng.yaml'), RULES);
  const yaml = `
server: { port: 0, host: 127.0.0.1 }
bus: ${busYaml}
connectors:
  github: { type: github, secret: e2e-secret }
channels:
  eng: { type: slack, url: "${sinkUrl}" }
delivery: { allowlist: [127.0.0.1] }
rules: ./rules
`;
  return parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
}

async function sendPullRequest(port: number, draft: boolean): Promise<string> {
  const id = randomUUID();
  const body = Buffer.from(
    JSON.stringify({
      action: 'opened',
      number: 42,
      pull_request: { number: 42, title: 'Add retries', draft, html_url: 'https://github.com/acme/api/pull/42', user: { login: 'ana' } },
      repository: { full_name: 'acme/api', html_url: 'https://github.com/acme/api' },
      sender: { login: 'ana' },
    }),
  );
  const headers = githubConnector.sign(
    body,
    { name: 'github', config: { type: 'github', secret: ['e2e-secret'] }, now: () => new Date() },
    { id, event: 'pull_request' },
  );
  const res = await fetch(`http://127.0.0.1:${port}/hooks/github`, { method: 'POST', headers, body: new Uint8Array(body) });
  expect(res.status).toBe(202);
  return id;
}

function describeEndToEnd(name: string, busYaml: () => string) {
  describe(`webhook → rule → Slack message (${name} bus)`, () => {
    const received: Received[] = [];
    let sink: { server: Server; url: string };
    let hub: RunningHub;

    beforeAll(async () => {
      sink = await startSink(received);
      hub = await startHub({ config: hubConfig(busYaml(), sink.url), logger: silentLogger });
    });

    afterAll(async () => {
      await hub?.stop();
      sink?.server.close();
    });

    it('delivers one Block Kit message per matching webhook, and none for a filtered one', async () => {
      const id = await sendPullRequest(hub.port, false);
      await sendPullRequest(hub.port, true);
      await eventually(() => received.length >= 1, 15_000, 'the Slack message');
      const message = received[0]!;
      expect(message.body.text).toContain('by ana https://github.com/acme/api/pull/42');
      expect(message.body.blocks?.some((b) => b.type === 'section' && b.text?.text.includes('ana'))).toBe(true);
      expect(JSON.stringify(message.headers)).toContain(`${id}:prs-to-eng:0`);
      // Give the filtered (draft) event time to be routed: it must not produce a message.
      await new Promise((r) => setTimeout(r, 500));
      expect(received).toHaveLength(1);
      const outcomes = await hub.bus.records(id);
      expect(outcomes.some((r) => r.kind === 'rule')).toBe(true);
    });
  });
}

describeEndToEnd('embedded', () => '{ type: embedded, path: ./data/hookhub.db }');

const nats = useNatsServer();
describeEndToEnd('nats', () => `{ type: nats, url: "${nats().url}" }`);
