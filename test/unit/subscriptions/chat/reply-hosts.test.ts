import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { PermanentError } from '../../../../src/errors.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';
import { createMuteStore } from '../../../../src/noise/mutes.ts';
import { createSubscriptionCommandAction } from '../../../../src/subscriptions/commands/command-action.ts';
import { replyTargetProblem } from '../../../../src/subscriptions/chat/reply-hosts.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import { createSubscriptionStore } from '../../../../src/subscriptions/subscription-store.ts';
import { startFakeApi, type FakeApi } from '../../actions/ci/fake-api.ts';
import { openTempEmbeddedBus } from '../../../helpers/hub-fixtures.ts';
import { unscopedScope } from '../../../helpers/subscription-scope.ts';
import { actionContext } from '../../../helpers/action-context.ts';

describe('chat response_url hosts', () => {
  const defaults = SubscriptionsConfigSchema.parse({ mattermost: { url: 'https://chat.example.com' } });
  const slack = (url: string) => replyTargetProblem({ platform: 'slack', responseUrl: url }, defaults);
  const mattermost = (url: string, settings = defaults) => replyTargetProblem({ platform: 'mattermost', responseUrl: url }, settings);

  it("allows only the platform's own hosts", () => {
    expect(slack('https://hooks.slack.com/commands/T1/123/abc')).toBeUndefined();
    expect(slack('http://hooks.slack.com/commands/T1/123/abc')).toContain('not Slack');
    expect(slack('https://hooks.slack.com.evil.example/commands/x')).toContain('not Slack');
    expect(slack('https://evil.example/hooks.slack.com')).toContain('evil.example');
    expect(slack('not a url')).toContain('an invalid URL');
    expect(mattermost('https://chat.example.com/hooks/commands/abc')).toBeUndefined();
    expect(mattermost('https://chat.example.com:8443/hooks/commands/abc')).toContain('not the Mattermost server');
    expect(mattermost('https://chat.example.com/x', SubscriptionsConfigSchema.parse({}))).toContain('set subscriptions.mattermost.url');
    expect(replyTargetProblem({ platform: 'discord', applicationId: '1', token: 't' }, defaults)).toBeUndefined();
  });
});

describe('a Mattermost command with a foreign response_url', () => {
  let bus: EventBus;
  let mm: FakeApi;
  let elsewhere: FakeApi;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    mm = await startFakeApi(() => ({ status: 200, body: {} }));
    elsewhere = await startFakeApi(() => ({ status: 200, body: {} }));
  });
  afterEach(async () => {
    await bus.close();
    await mm.close();
    await elsewhere.close();
  });

  const run = (responseUrl: string) => {
    const settings = SubscriptionsConfigSchema.parse({ allow: { users: ['*'] }, mattermost: { url: `${mm.url}/` } });
    const action = createSubscriptionCommandAction({
      store: createSubscriptionStore(bus),
      mutes: createMuteStore(bus.kv('noise-mutes'), () => new Date()),
      settings,
      scope: unscopedScope,
    });
    const data = {
      channel_id: 'c1',
      team_id: 't1',
      user_id: 'u1',
      user_name: 'omar',
      command: '/hookhub',
      text: 'subscribe stripe failed',
      response_url: responseUrl,
    };
    const event = createHubEvent({ id: 'mm-1', type: 'mattermost.command.hookhub', connector: 'mattermost', data });
    const job = {
      id: 'mm-1:cmd:0',
      eventId: 'mm-1',
      eventType: event.type,
      rule: 'cmd',
      index: 0,
      action: 'subscription-command',
      params: {},
      createdAt: new Date().toISOString(),
    };
    return action.execute(
      {},
      actionContext(job, { fetch, now: () => new Date(), channels: {}, signal: new AbortController().signal }, event),
    );
  };

  it('is refused before the command runs, and nothing is posted there', async () => {
    await expect(run(`${elsewhere.url}/hooks/commands/x`)).rejects.toThrow(PermanentError);
    expect(elsewhere.requests).toHaveLength(0);
    expect(await createSubscriptionStore(bus).list()).toEqual([]);
  });

  it('is answered when it points at the configured Mattermost server', async () => {
    await run(`${mm.url}/hooks/commands/x`);
    expect(mm.requests.map((r) => r.path)).toEqual(['/hooks/commands/x']);
    expect(await createSubscriptionStore(bus).list()).toHaveLength(1);
  });
});
