import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { githubConnector } from '../../connectors/github/index.ts';
import { slackConnector } from '../../connectors/slack/index.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig, type HubConfig } from '../../src/config/load-config.ts';
import { tempDir } from '../helpers/hub-fixtures.ts';

export const SLACK_SECRET = 'slack-signing-secret';
export const GITHUB_SECRET = 'github-secret';

export interface SlackCall {
  path: string;
  method?: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/**
 * A fake chat platform: Slack `response_url`s under /commands/ and its Web API under /api/
 * (chat.postMessage, chat.update); every other path (Discord, Mattermost APIs) answers `{ id }`.
 */
export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  close(): void;
}

export function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  let ts = 1_700_000_000;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ path: req.url ?? '', method: req.method ?? '', body, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/api/')) {
        const messageTs = req.url === '/api/chat.update' ? body.ts : `${++ts}.000100`;
        res.end(JSON.stringify({ ok: true, channel: body.channel, ts: messageTs, message: { text: body.text } }));
      } else {
        res.end(JSON.stringify({ id: `m${++ts}` }));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => server.close() }),
    ),
  );
}

export function subscriptionsHubConfig(busYaml: string, slackUrl: string, extra = ''): HubConfig {
  const dir = tempDir('hookhub-subs-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'none.yaml'), 'rules: []\n');
  const yaml = `
server: { port: 0, host: 127.0.0.1 }
bus: ${busYaml}
connectors:
  github: { type: github, secret: ${GITHUB_SECRET} }
  slack: { type: slack, secret: ${SLACK_SECRET} }
delivery: { allowlist: [127.0.0.1] }
rules: ./rules
subscriptions:
  allow: { users: [slack:T1/U0ANA] }
  slack: { botToken: xoxb-test-token, apiUrl: "${slackUrl}/api" }
${extra}`;
  return parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
}

/** POSTs a signed `/hookhub <text>` slash command as Slack would; returns the HTTP status and body. */
export async function sendSlashCommand(
  port: number,
  slackUrl: string,
  text: string,
  user = { id: 'U0ANA', name: 'ana' },
  now = new Date(),
): Promise<{ status: number; body: string; responsePath: string }> {
  const responsePath = `/commands/${randomUUID()}`;
  const form = new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: 'C_ENG',
    channel_name: 'eng',
    user_id: user.id,
    user_name: user.name,
    command: '/hookhub',
    text,
    response_url: `${slackUrl}${responsePath}`,
    trigger_id: `${Date.now()}.${randomUUID()}`,
  });
  const body = Buffer.from(form.toString());
  const headers = slackConnector.sign(
    body,
    { name: 'slack', config: { type: 'slack', secret: [SLACK_SECRET], tolerance: 300 }, now: () => now },
    { id: '', event: 'slash_command' },
  );
  const res = await fetch(`http://127.0.0.1:${port}/hooks/slack`, { method: 'POST', headers, body: new Uint8Array(body) });
  return { status: res.status, body: await res.text(), responsePath };
}

export interface PullRequestInput {
  number: number;
  action?: string;
  labels?: string[];
  author?: string;
  merged?: boolean;
  event?: 'pull_request' | 'pull_request_review';
}

/** POSTs a signed GitHub pull_request (or review) webhook for acme/api. */
export async function sendPullRequest(port: number, input: PullRequestInput, now = new Date()): Promise<number> {
  const author = input.author ?? 'ben';
  const closed = input.action === 'closed';
  const payload: Record<string, unknown> = {
    action: input.action ?? 'opened',
    number: input.number,
    pull_request: {
      number: input.number,
      title: `Change ${input.number}`,
      state: closed ? 'closed' : 'open',
      draft: false,
      merged: input.merged ?? false,
      html_url: `https://github.com/acme/api/pull/${input.number}`,
      user: { login: author },
      labels: (input.labels ?? []).map((name) => ({ name })),
      head: { ref: 'feature' },
      base: { ref: 'main' },
    },
    repository: { full_name: 'acme/api', html_url: 'https://github.com/acme/api', default_branch: 'main' },
    sender: { login: author },
  };
  if (input.event === 'pull_request_review')
    payload.review = {
      // Each review GitHub sends is its own (GitHub signs only the body: a resent body is a replay).
      id: randomInt(1, 2 ** 31),
      state: 'approved',
      body: 'Looks good',
      user: { login: 'carla' },
      html_url: `https://github.com/acme/api/pull/${input.number}#review`,
    };
  return sendGithub(port, input.event ?? 'pull_request', payload, now);
}

export async function sendGithub(port: number, event: string, payload: unknown, now = new Date()): Promise<number> {
  const body = Buffer.from(JSON.stringify(payload));
  const headers = githubConnector.sign(
    body,
    { name: 'github', config: { type: 'github', secret: [GITHUB_SECRET] }, now: () => now },
    { id: randomUUID(), event },
  );
  const res = await fetch(`http://127.0.0.1:${port}/hooks/github`, { method: 'POST', headers, body: new Uint8Array(body) });
  return res.status;
}
