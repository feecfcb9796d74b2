import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { loadEventStatus } from '../../src/operations/event-status.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';

const SECRET = 'rules-check-secret';
const TOKEN = 'ghp_rulescheck0123456789';
const REPO = 'acme/hookhub-rules';

const BASE_RULES = `rules:
  - name: prs
    on: github.pull_request.opened
    from: [github]
    do: [{ notify: { channel: eng, text: "PR {{subject}}" } }]
`;
const CHANGED_RULES = `rules:
  - name: prs
    on: github.pull_request.opened
    from: [github]
    when:
      data.pull_request.labels.name: { $ne: dependencies }
    do: [{ notify: { channel: eng, text: "PR {{subject}}" } }]
`;
const BROKEN_RULES = `rules:
  - name: prs
    on: github.pull_request.opened
    do: [{ notify: { channel: nowhere, text: "PR" } }]
`;

interface CheckRun {
  id: number;
  head_sha: string;
  conclusion: string;
  output: { title: string; summary: string; annotations: { path: string; start_line: number; message: string }[] };
}

/** The few GitHub REST endpoints the check uses: PR files, folder contents at a ref, check runs. */
function startFakeGithubApi() {
  const trees = new Map<string, Record<string, string>>();
  const runs: CheckRun[] = [];
  const writes: string[] = [];
  const server: Server = createServer((req, res) => {
    void body(req).then((input) => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const reply = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': typeof data === 'string' ? 'text/plain' : 'application/json' });
        res.end(typeof data === 'string' ? data : JSON.stringify(data));
      };
      if (req.headers.authorization !== `token ${TOKEN}`) return reply(401, { message: 'Bad credentials' });
      const p = url.pathname;
      if (p === `/repos/${REPO}/pulls/7/files`) return reply(200, [{ filename: 'README.md' }, { filename: 'rules/github.yaml' }]);
      if (p === `/repos/${REPO}/pulls/8/files`) return reply(200, [{ filename: 'README.md' }]);
      const contents = new RegExp(`^/repos/${REPO}/contents/(.+)$`).exec(p);
      if (contents) {
        const tree = trees.get(url.searchParams.get('ref') ?? '');
        const path = decodeURIComponent(contents[1] ?? '');
        if (!tree) return reply(404, { message: 'Not Found' });
        if (path === 'rules')
          return reply(
            200,
            Object.entries(tree).map(([name, text]) => ({ type: 'file', name, path: `rules/${name}`, size: text.length })),
          );
        const text = tree[path.replace('rules/', '')];
        return text === undefined ? reply(404, { message: 'Not Found' }) : reply(200, text);
      }
      const byCommit = new RegExp(`^/repos/${REPO}/commits/([0-9a-f]+)/check-runs$`).exec(p);
      if (byCommit) return reply(200, { total_count: 0, check_runs: runs.filter((r) => r.head_sha === byCommit[1]) });
      if (p === `/repos/${REPO}/check-runs` && req.method === 'POST') {
        const run = { id: runs.length + 100, ...(input as Omit<CheckRun, 'id'>) };
        runs.push(run);
        writes.push(`POST ${run.id}`);
        return reply(201, run);
      }
      const patch = new RegExp(`^/repos/${REPO}/check-runs/(\\d+)$`).exec(p);
      if (patch && req.method === 'PATCH') {
        const run = runs.find((r) => r.id === Number(patch[1]));
        if (!run) return reply(404, { message: 'Not Found' });
        Object.assign(run, input);
        writes.push(`PATCH ${run.id}`);
        return reply(200, run);
      }
      return reply(404, { message: `no fake for ${req.method} ${p}` });
    });
  });
  return new Promise<{ url: string; trees: typeof trees; runs: CheckRun[]; writes: string[]; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, trees, runs, writes, close: () => server.close() }),
    ),
  );
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

let hub: RunningHub;
let config: ReturnType<typeof parseConfig>;
let github: Awaited<ReturnType<typeof startFakeGithubApi>>;

async function send(event: string, payload: Record<string, unknown>, id: string): Promise<void> {
  const raw = Buffer.from(JSON.stringify(payload));
  const headers = githubConnector.sign(
    raw,
    { name: 'github', config: config.connectors.github as never, now: () => new Date() },
    { id, event },
  );
  const res = await fetch(`http://127.0.0.1:${hub.port}/hooks/github`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: raw,
  });
  expect(res.status).toBe(202);
}

const pullRequest = (action: string, number: number, head: string, labels: string[] = []) => ({
  action,
  number,
  repository: { full_name: number >= 7 ? REPO : 'acme/api', html_url: `https://github.com/${REPO}` },
  sender: { login: 'octocat' },
  pull_request: {
    number,
    title: `PR ${number}`,
    draft: false,
    labels: labels.map((name) => ({ name })),
    user: { login: 'octocat' },
    head: { sha: head },
    base: { sha: 'b0b0b0b0' },
  },
});

beforeAll(async () => {
  github = await startFakeGithubApi();
  github.trees.set('b0b0b0b0', { 'github.yaml': BASE_RULES });
  const dir = tempDir('hookhub-rules-check-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(join(dir, 'rules', 'eng.yaml'), BASE_RULES);
  const yaml = `
server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hookhub.db }
connectors:
  github: { type: github, secret: ${SECRET}, token: ${TOKEN}, apiUrl: "${github.url}", rulesCheck: { repo: ${REPO}, path: rules/ } }
channels:
  eng: { type: log }
delivery: { allowPrivateNetworks: true }
rules: ./rules
`;
  config = parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
  hub = await startHub({ config, logger: silentLogger });
  // History the diff runs on: two PRs in another repo, one of them a dependency bump.
  await send('pull_request', pullRequest('opened', 1, 'a1a1a1a1', ['dependencies']), 'hist-1');
  await send('pull_request', pullRequest('opened', 2, 'a2a2a2a2', ['bug']), 'hist-2');
});
afterAll(async () => {
  await hub?.stop();
  github?.close();
});

describe('GitHub check run for rule changes', () => {
  it('posts a neutral check with a summary table per changed rule; another event for the same head updates it', async () => {
    github.trees.set('c0ffee01', { 'github.yaml': CHANGED_RULES });
    await send('pull_request', pullRequest('opened', 7, 'c0ffee01'), 'pr-7-opened');
    const run = (await eventually(() => github.runs.find((r) => r.head_sha === 'c0ffee01'), 15_000, 'a check run')) as CheckRun;
    expect(run.conclusion).toBe('neutral');
    expect(run.output.title).toMatch(/^1 rule\(s\) changed on \d+ stored events: 0 new match\(es\), 1 lost match\(es\)/);
    expect(run.output.summary).toContain('### `prs` — +0 / -1 / ~0');
    expect(run.output.summary).toContain(
      '| - | `hist-1` | github.pull_request.opened | acme/api#1 | now: when data.pull_request.labels.name',
    );
    // A redelivery (a new delivery id, the same head commit) updates the check instead of adding one.
    await send('pull_request', pullRequest('reopened', 7, 'c0ffee01'), 'pr-7-reopened');
    await eventually(() => github.writes.includes(`PATCH ${run.id}`), 15_000, 'the check run updated');
    expect(github.runs.filter((r) => r.head_sha === 'c0ffee01')).toHaveLength(1);
  });

  it('fails with file:line annotations when the pushed rules are invalid', async () => {
    github.trees.set('badbad01', { 'github.yaml': BROKEN_RULES });
    await send('pull_request', pullRequest('synchronize', 7, 'badbad01'), 'pr-7-sync');
    const run = (await eventually(() => github.runs.find((r) => r.head_sha === 'badbad01'), 15_000, 'a failed check run')) as CheckRun;
    expect(run.conclusion).toBe('failure');
    expect(run.output.annotations[0]).toMatchObject({ path: 'rules/github.yaml', start_line: 4 });
    expect(run.output.annotations[0]?.message).toContain('nowhere');
  });

  it('leaves pull requests that do not touch the rules folder alone', async () => {
    const before = github.writes.length;
    github.trees.set('d0d0d0d0', { 'github.yaml': CHANGED_RULES });
    await send('pull_request', pullRequest('opened', 8, 'd0d0d0d0'), 'pr-8-opened');
    await eventually(async () => (await loadEventStatus(hub.bus, 'pr-8-opened')) === 'delivered', 15_000, 'the check job to finish');
    expect(github.writes.length).toBe(before);
    expect(github.runs.find((r) => r.head_sha === 'd0d0d0d0')).toBeUndefined();
  });
});
