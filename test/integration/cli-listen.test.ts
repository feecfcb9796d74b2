import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubConnector } from '../../connectors/github/index.ts';
import { resolveListenSettings } from '../../src/cli/listen-command.ts';
import { runListen, type ListenSettings } from '../../src/cli/listen/run-listen.ts';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig, type HubConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { prPayload } from './api-harness.ts';
import { anything } from '../helpers/matchers.ts';

const VIEWER = 'listen-viewer-token-0123456789abcdefghij';
let dir: string;
let config: HubConfig;
let hub: RunningHub;
let app: LocalApp;

interface Received {
  headers: Record<string, string>;
  body: string;
}

interface LocalApp {
  url: string;
  received: Received[];
  /** Answers to the next requests (default 200). */
  replies: number[];
  close(): Promise<void>;
}

async function startLocalApp(port = 0): Promise<LocalApp> {
  const received: Received[] = [];
  const replies: number[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = replies.shift() ?? 200;
      if (status === 200) received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${bound}/webhooks`, received, replies, close: () => new Promise((r) => server.close(() => r())) };
}

/** Runs `listen` with real fetch and a short pause between reconnects, collecting what it prints until `stop` aborts. */
function listenCollecting(settings: ListenSettings, pauseMs: number): { lines: string[]; stop: AbortController; listening: Promise<void> } {
  const lines: string[] = [];
  const stop = new AbortController();
  const listening = runListen(settings, {
    fetch,
    now: () => new Date(),
    sleep: () => sleep(pauseMs),
    signal: stop.signal,
    print: (l) => lines.push(l),
  });
  return { lines, stop, listening };
}

function sendGithub(port: number, event: string, payload: unknown, id: string): Promise<Response> {
  const body = Buffer.from(JSON.stringify(payload));
  const headers = githubConnector.sign(
    body,
    { name: 'github', config: config.connectors.github as never, now: () => new Date() },
    { id, event },
  );
  return fetch(`http://127.0.0.1:${port}/hooks/github`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body,
  });
}

beforeAll(async () => {
  dir = tempDir('hookhub-listen-');
  writeFileSync(join(dir, 'empty.yaml'), 'rules: []\n');
  writeFileSync(
    join(dir, 'hookhub.yaml'),
    `
server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hub.db }
connectors:
  github: { type: github, secret: listen-secret-for-tests }
rules: ./empty.yaml
api:
  tokens:
    - { name: laptop, token: ${VIEWER}, role: viewer }
`,
  );
  config = await loadConfig(join(dir, 'hookhub.yaml'), readEnv({}));
  hub = await startHub({ config, logger: silentLogger });
  app = await startLocalApp();
});

afterAll(async () => {
  await hub?.stop();
  await app?.close();
});

describe('hookhub listen', () => {
  it('forwards every event, signed, across a hub restart, catching up with Last-Event-ID', async () => {
    const settings = await resolveListenSettings(
      { forwardTo: app.url, config: join(dir, 'hookhub.yaml'), url: `http://127.0.0.1:${hub.port}` },
      readEnv({}),
      () => new Date(),
    );
    const lines: string[] = [];
    const stop = new AbortController();
    // The test holds listen's reconnect while the hub is down, so events stored before it reconnects must come from the catch-up.
    let gate: Promise<void> = Promise.resolve();
    let open = () => {};
    const listening = runListen(settings, {
      fetch,
      now: () => new Date(),
      sleep: async () => {
        await gate;
        await sleep(20);
      },
      signal: stop.signal,
      print: (line) => lines.push(line),
    });
    await eventually(() => lines.some((l) => l.includes('connected to')), 5_000, 'listen connected');
    app.replies.push(503);
    for (const n of [1, 2]) expect((await sendGithub(hub.port, 'pull_request', prPayload(n), `before-${n}`)).status).toBe(202);
    await eventually(() => app.received.length === 2, 10_000, 'the first two events');

    const port = hub.port;
    gate = new Promise((resolve) => (open = resolve));
    await hub.stop();
    await eventually(
      () => lines.some((l) => l.includes('hub unreachable') || l.includes('closed the stream')),
      5_000,
      'listen noticed the drop',
    );
    hub = await startHub({ config: { ...config, server: { ...config.server, port } }, logger: silentLogger });
    for (const n of [3, 4]) expect((await sendGithub(port, 'pull_request', prPayload(n), `after-${n}`)).status).toBe(202);
    open();
    await eventually(() => app.received.length === 4, 10_000, 'the events sent while listen was away');
    await sendGithub(
      port,
      'issues',
      {
        action: 'opened',
        issue: { number: 9, title: 'x', html_url: 'https://x' },
        repository: { full_name: 'acme/web' },
        sender: { login: 'o' },
      },
      'live-5',
    );
    await eventually(() => app.received.length === 5, 10_000, 'a live event after the reconnect');
    stop.abort();
    await listening;

    const ids = app.received.map((r) => r.headers['x-github-delivery']);
    expect(ids).toEqual(['before-1', 'before-2', 'after-3', 'after-4', 'live-5']);
    const verifier = new Webhook(settings.secret);
    for (const request of app.received) expect(verifier.verify(request.body, request.headers)).toMatchObject({ repository: anything() });
    expect(app.received[4]?.headers['x-github-event']).toBe('issues');
    expect(JSON.parse(app.received[0]?.body ?? '{}')).toMatchObject({ number: 1, action: 'opened' });
    expect(lines.some((l) => /before-1 {2}! HTTP 503; retrying/.test(l))).toBe(true);
    expect(lines.some((l) => /resuming after #\d+/.test(l))).toBe(true);
    expect(lines.filter((l) => /-> 200 \(\d+ ms\)$/.test(l))).toHaveLength(5);
  }, 60_000);

  it('keeps its signing secret in the data folder across runs and finds a local token', async () => {
    const opts = { forwardTo: app.url, config: join(dir, 'hookhub.yaml') };
    const first = await resolveListenSettings(opts, readEnv({}), () => new Date());
    const second = await resolveListenSettings(opts, readEnv({}), () => new Date());
    expect(first.secret).toMatch(/^whsec_/);
    expect(second.secret).toBe(first.secret);
    expect(first.token).toBe(VIEWER);
    expect(first.url).toBe(`http://127.0.0.1:${config.server.port}`);
  });

  it('gives one line that says what to do for a bad token, a bad URL and a missing token', async () => {
    const settings: ListenSettings = {
      url: `http://127.0.0.1:${hub.port}`,
      token: 'wrong-token-wrong-token-wrong-token-00',
      forwardTo: app.url,
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      cloudevents: false,
      filter: {},
    };
    const failure = runListen(settings, {
      fetch,
      now: () => new Date(),
      sleep: () => sleep(10),
      signal: new AbortController().signal,
      print: () => {},
    });
    await expect(failure).rejects.toThrow(
      /^the hub refused the token \(HTTP 401\): pass a viewer or admin token with --token or HOOKHUB_TOKEN$/,
    );
    await expect(resolveListenSettings({ forwardTo: 'localhost:3000' }, readEnv({}), () => new Date())).rejects.toThrow(
      /--forward-to: only http and https URLs|is not a URL/,
    );
    await expect(
      resolveListenSettings(
        { forwardTo: app.url, url: 'https://hub.example.com', config: join(dir, 'hookhub.yaml') },
        readEnv({}),
        () => new Date(),
      ),
    ).rejects.toThrow(/^no API token: pass --token or set HOOKHUB_TOKEN/);
  });

  it('stops with the configured connectors for a --connector the hub does not have, instead of streaming nothing', async () => {
    const lines: string[] = [];
    const typo = runListen(
      {
        url: `http://127.0.0.1:${hub.port}`,
        token: VIEWER,
        forwardTo: app.url,
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        cloudevents: false,
        filter: { connector: 'githb' },
      },
      { fetch, now: () => new Date(), sleep: () => sleep(10), signal: AbortSignal.timeout(5_000), print: (l) => lines.push(l) },
    );
    await expect(typo).rejects.toThrow(
      /^the hub refused the filter: connector: unknown connector "githb" \(did you mean "github"\?\); connectors in hookhub.yaml: github /,
    );
    expect(lines.filter((l) => l.includes('connected'))).toEqual([]);
  });

  it('--since replays what the hub already has; an app that is down holds them, and gets them in order once it is up', async () => {
    const closed = await startLocalApp();
    await closed.close();
    const settings = await resolveListenSettings(
      {
        forwardTo: closed.url,
        config: join(dir, 'hookhub.yaml'),
        url: `http://127.0.0.1:${hub.port}`,
        since: '1h',
        events: 'github.pull_request.*',
      },
      readEnv({}),
      () => new Date(),
    );
    const { lines, stop, listening } = listenCollecting(settings, 5);
    // Far more tries than the four an answering app gets: an app that is down is waited for.
    await eventually(() => lines.filter((l) => l.includes('! local app unreachable')).length >= 20, 20_000, 'listen waiting for the app');
    const restarted = await startLocalApp(Number(new URL(closed.url).port));
    // Every PR sent earlier in this file comes back from history, none given up on.
    await eventually(() => restarted.received.length === 4, 20_000, 'the replayed PRs, once the app is up');
    stop.abort();
    await listening;
    await restarted.close();
    expect(restarted.received.map((r) => r.headers['x-github-delivery'])).toEqual(['before-1', 'before-2', 'after-3', 'after-4']);
    expect(lines.filter((l) => l.includes('gave up'))).toEqual([]);
    const waits = lines.filter((l) => l.includes('! local app unreachable'));
    expect(waits.every((l) => l.split('  ')[2] === 'before-1')).toBe(true);
    expect(waits[0]).toMatch(
      /github\.pull_request\.opened {2}before-1 {2}! local app unreachable at http:\/\/127\.0\.0\.1:\d+\/webhooks \(ECONNREFUSED\): is it running\? check --forward-to; retrying in 1s$/,
    );
  }, 30_000);

  it('sends the whole CloudEvent with --cloudevents', async () => {
    const settings = {
      ...(await resolveListenSettings(
        {
          forwardTo: app.url,
          config: join(dir, 'hookhub.yaml'),
          url: `http://127.0.0.1:${hub.port}`,
          cloudevents: true,
          events: 'github.push',
        },
        readEnv({}),
        () => new Date(),
      )),
    };
    const before = app.received.length;
    const { lines, stop, listening } = listenCollecting(settings, 20);
    await eventually(() => lines.some((l) => l.includes('connected to')), 5_000, 'listen connected');
    await sendGithub(hub.port, 'pull_request', prPayload(77), 'filtered-out');
    await sendGithub(
      hub.port,
      'push',
      { ref: 'refs/heads/main', repository: { full_name: 'acme/api' }, sender: { login: 'o' } },
      'ce-push',
    );
    await eventually(() => app.received.length === before + 1, 10_000, 'the push');
    stop.abort();
    await listening;
    const request = app.received.at(-1)!;
    expect(request.headers['content-type']).toBe('application/cloudevents+json');
    expect(JSON.parse(request.body)).toMatchObject({
      specversion: '1.0',
      id: 'ce-push',
      type: 'github.push',
      source: '/connectors/github',
    });
    expect(new Webhook(settings.secret).verify(request.body, request.headers)).toBeTruthy();
  }, 30_000);

  it('forwards 1.6 MB of missed events in order, once each, though the hub drops readers 1 MiB behind', async () => {
    for (let i = 0; i < 400; i++) {
      const event = createHubEvent({
        id: `bulk-${i}`,
        type: 'github.create',
        connector: 'github',
        data: { ref: `b${i}`, pad: 'x'.repeat(4_000) },
      });
      await hub.bus.publish('events', { id: event.id, subject: event.type, payload: event });
    }
    const settings = await resolveListenSettings(
      { forwardTo: app.url, config: join(dir, 'hookhub.yaml'), url: `http://127.0.0.1:${hub.port}`, since: '1h', events: 'github.create' },
      readEnv({}),
      () => new Date(),
    );
    const before = app.received.length;
    const { lines, stop, listening } = listenCollecting(settings, 20);
    await eventually(() => app.received.length - before === 400, 30_000, 'all 400 missed events');
    stop.abort();
    await listening;
    // In order and once each, whether they came in the catch-up or in the live fan-out (which drops a reader 1 MiB behind).
    expect(app.received.slice(before).map((r) => r.headers['x-github-delivery'])).toEqual(
      Array.from({ length: 400 }, (_, i) => `bulk-${i}`),
    );
    expect(lines.filter((l) => l.includes('gave up'))).toEqual([]);
  }, 60_000);
});
