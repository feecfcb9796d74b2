import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { sendGithub, sendSlashCommand, startFakeSlack, subscriptionsHubConfig, type FakeSlack } from './subscriptions-harness.ts';

const posts = (slack: FakeSlack) => slack.calls.filter((c) => c.path === '/api/chat.postMessage');

function push(n: number) {
  return {
    ref: 'refs/heads/main',
    after: randomUUID().replace(/-/g, '').padEnd(40, '0'),
    compare: `https://github.com/acme/api/compare/${n}`,
    commits: [{ id: `${n}`.padStart(7, '0'), message: `commit ${n}`, author: { username: 'ana' } }],
    head_commit: { id: `${n}`.padStart(7, '0'), message: `commit ${n}`, author: { username: 'ana' } },
    pusher: { name: 'ana' },
    repository: { full_name: 'acme/api', default_branch: 'main' },
    sender: { login: 'ana' },
  };
}

async function command(hub: RunningHub, slack: FakeSlack, text: string, now: Date) {
  const sent = await sendSlashCommand(hub.port, slack.url, text, undefined, now);
  expect(sent.status).toBe(200);
  const reply = await eventually(() => slack.calls.find((c) => c.path === sent.responsePath), 15_000, `the reply to "${text}"`);
  return String(reply!.body.text);
}

describe('noise control for subscriptions (embedded bus, movable clock)', () => {
  let slack: FakeSlack;
  let hub: RunningHub;
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);

  beforeAll(async () => {
    slack = await startFakeSlack();
    hub = await startHub({
      config: subscriptionsHubConfig('{ type: embedded, path: ./data/hookhub.db }', slack.url),
      logger: silentLogger,
      now,
    });
  });
  afterAll(async () => {
    await hub?.stop();
    slack?.close();
  });

  it('a burst of 30 pushes becomes one grouped message', async () => {
    expect(await command(hub, slack, 'subscribe acme/api commits group:2s', now())).toContain('acme/api: commits · group:2s');
    await Promise.all(Array.from({ length: 30 }, (_, n) => sendGithub(hub.port, 'push', push(n), now())));
    const digest = await eventually(() => posts(slack)[0], 20_000, 'the digest');
    expect(digest!.body.text).toBe('30 events: acme/api@main');
    expect(
      JSON.stringify(digest!.body.attachments).match(/commit \d+ \(https:\/\/github.com\/acme\/api\/compare\/\d+\) by ana/g),
    ).toHaveLength(30);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(posts(slack)).toHaveLength(1);
  });

  it('honours a mute from chat until it expires', async () => {
    expect(await command(hub, slack, 'mute acme/api 1h', now())).toMatch(/^acme\/api is muted for 1h, until /);
    await sendGithub(hub.port, 'push', push(100), now());
    await new Promise((r) => setTimeout(r, 3_000));
    expect(posts(slack)).toHaveLength(1);
    expect(await command(hub, slack, 'list', now())).toContain('acme/api: commits · group:2s — muted until');

    offsetMs += 61 * 60_000; // an hour later
    await sendGithub(hub.port, 'push', push(101), now());
    const after = await eventually(() => posts(slack)[1], 20_000, 'the message after the mute expired');
    expect(after!.body.text).toBe('1 new commit pushed to main');
  });
});

describe('grouping is shared by two hub processes on one NATS', () => {
  const nats = useNatsServer();
  let slack: FakeSlack;
  let hubs: RunningHub[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    const bus = `{ type: nats, url: "${nats().url}" }`;
    hubs = [
      await startHub({ config: subscriptionsHubConfig(bus, slack.url), logger: silentLogger }),
      await startHub({ config: subscriptionsHubConfig(bus, slack.url), logger: silentLogger }),
    ];
  });
  afterAll(async () => {
    for (const hub of hubs) await hub.stop();
    slack?.close();
  });

  it('30 pushes received by either hub make one message', async () => {
    const [a, b] = hubs as [RunningHub, RunningHub];
    expect(await command(a, slack, 'subscribe acme/api commits group:3s', new Date())).toContain('group:3s');
    await eventually(() => b.rules.getRuleSet().rules.some((r) => r.name.endsWith('-commits')), 15_000, 'hub b to see the subscription');
    await Promise.all(Array.from({ length: 30 }, (_, n) => sendGithub((n % 2 === 0 ? a : b).port, 'push', push(n))));
    // Generous: once, with the whole suite running on two cores, the digest took longer than 20 s.
    const digest = await eventually(() => posts(slack)[0], 40_000, 'the digest');
    expect(digest!.body.text).toBe('30 events: acme/api@main');
    await new Promise((r) => setTimeout(r, 4_000));
    expect(posts(slack)).toHaveLength(1);
  }, 60_000);
});

describe('rule files opt in to the same noise control (group: on a rule)', () => {
  let slack: FakeSlack;
  let hub: RunningHub;
  beforeAll(async () => {
    slack = await startFakeSlack();
    const config = subscriptionsHubConfig(
      '{ type: embedded, path: ./data/hookhub.db }',
      slack.url,
      `channels:\n  eng: { type: slack, url: "${slack.url}/incoming" }\n`,
    );
    writeFileSync(
      join(config.rulesDir, 'pushes.yaml'),
      [
        'rules:',
        '  - name: pushes',
        '    on: github.push',
        '    group: { wait: 2s }',
        '    throttle: { max: 100, per: 1h }',
        '    do:',
        '      - notify: { channel: eng, text: "{{title}}" }',
      ].join('\n'),
    );
    hub = await startHub({ config, logger: silentLogger });
  });
  afterAll(async () => {
    await hub?.stop();
    slack?.close();
  });

  it('30 pushes become one notify digest; the rule outcome says they were grouped', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, n) => sendGithub(hub.port, 'push', push(n))));
    const digest = await eventually(() => slack.calls.find((c) => c.path === '/incoming'), 20_000, 'the digest');
    expect(digest!.body.text).toContain('30 events: acme/api@main');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(slack.calls.filter((c) => c.path === '/incoming')).toHaveLength(1);
    const [event] = await hub.bus.query<{ id: string }>({ stream: 'events', subject: 'github.push', limit: 1 });
    const outcome = (await hub.bus.records(event!.id)).find((r) => r.kind === 'rule');
    expect(outcome?.data).toMatchObject({ rule: 'pushes', outcome: 'queued', held: [expect.objectContaining({ reason: 'grouped' })] });
  });
});
