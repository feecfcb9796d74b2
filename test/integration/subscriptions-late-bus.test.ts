import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus } from '../../src/bus/create-bus.ts';
import { RetryingBus } from '../../src/bus/retrying-bus.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger } from '../helpers/hub-fixtures.ts';
import { sendGithub, sendSlashCommand, startFakeSlack, subscriptionsHubConfig, type FakeSlack } from './subscriptions-harness.ts';

const posts = (slack: FakeSlack) => slack.calls.filter((c) => c.path === '/api/chat.postMessage');

const push = {
  ref: 'refs/heads/main',
  after: randomUUID().replace(/-/g, '').padEnd(40, '0'),
  compare: 'https://github.com/acme/api/compare/1',
  commits: [{ id: '0000001', message: 'commit 1', author: { username: 'ana' } }],
  head_commit: { id: '0000001', message: 'commit 1', author: { username: 'ana' } },
  pusher: { name: 'ana' },
  repository: { full_name: 'acme/api', default_branch: 'main' },
  sender: { login: 'ana' },
};

describe('a hub whose event store opens after it started', () => {
  let slack: FakeSlack;
  const config = () => subscriptionsHubConfig('{ type: embedded, path: ./data/hookhub.db }', slack.url);
  let hubConfig: ReturnType<typeof config>;
  let hub: RunningHub | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack();
    hubConfig = config();
  });
  afterAll(async () => {
    await hub?.stop();
    slack?.close();
  });

  it('routes the events waiting in the store with the subscriptions loaded, not before', async () => {
    // A subscription, then a push stored by an ingress-only hub: the backlog a restarting hub finds.
    hub = await startHub({ config: hubConfig, logger: silentLogger });
    const sent = await sendSlashCommand(hub.port, slack.url, 'subscribe acme/api commits');
    await eventually(() => slack.calls.find((c) => c.path === sent.responsePath), 15_000, 'the subscribe reply');
    await hub.stop();
    hub = await startHub({ config: hubConfig, logger: silentLogger, roles: new Set(['ingress'] as const) });
    expect(await sendGithub(hub.port, 'push', push)).toBe(202);
    await hub.stop();
    hub = undefined;

    // The store refuses to open twice (a data folder not mounted yet), then opens.
    let attempts = 0;
    const bus = new RetryingBus({
      kind: 'embedded',
      logger: silentLogger,
      minDelayMs: 300,
      open: () => (++attempts <= 2 ? Promise.reject(new Error('data folder not mounted yet')) : createBus(hubConfig.bus)),
    });
    await bus.firstAttempt;
    hub = await startHub({ config: hubConfig, logger: silentLogger, bus });
    try {
      const post = await eventually(() => posts(slack)[0], 15_000, 'the push posted to Slack');
      expect(post!.body.text).toBe('1 new commit pushed to main');
    } finally {
      await hub.stop();
      hub = undefined;
      await bus.close();
    }
  });
});
