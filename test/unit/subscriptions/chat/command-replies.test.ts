import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';
import { createMuteStore } from '../../../../src/noise/mutes.ts';
import { createSubscriptionCommandAction } from '../../../../src/subscriptions/commands/command-action.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import { createSubscriptionStore } from '../../../../src/subscriptions/subscription-store.ts';
import { startFakeApi, type FakeApi } from '../../actions/ci/fake-api.ts';
import { openTempEmbeddedBus } from '../../../helpers/hub-fixtures.ts';
import { unscopedScope } from '../../../helpers/subscription-scope.ts';
import { actionContext } from '../../../helpers/action-context.ts';

describe('a slash-command reply', () => {
  let bus: EventBus;
  let chat: FakeApi;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    chat = await startFakeApi(() => ({ status: 200, body: 'ok' }));
  });
  afterEach(async () => {
    await bus.close();
    await chat.close();
  });

  /** Runs `/hookhub <text>` as the platform sends it, answered through its response_url to the fake server. */
  const run = async (platform: 'slack' | 'mattermost', text: string) => {
    const settings = SubscriptionsConfigSchema.parse({
      allow: { users: ['*'] },
      ...(platform === 'slack' ? { slack: { apiUrl: `${chat.url}/api` } } : { mattermost: { url: chat.url } }),
    });
    const action = createSubscriptionCommandAction({
      store: createSubscriptionStore(bus),
      mutes: createMuteStore(bus.kv('noise-mutes'), () => new Date()),
      settings,
      scope: unscopedScope,
    });
    // Mattermost ids are 26 lowercase letters and digits.
    const [channel, team, user] = platform === 'slack' ? ['C1', 'T1', 'U1'] : ['c', 't', 'u'].map((c) => c.repeat(26));
    const data = { channel_id: channel, team_id: team, user_id: user, user_name: 'ana', text, response_url: `${chat.url}/commands/x` };
    const event = createHubEvent({ id: 'c-1', type: `${platform}.command.hookhub`, connector: platform, data });
    const job = { id: 'c-1:cmd:0', eventId: 'c-1', eventType: event.type, rule: 'cmd', index: 0, action: 'subscription-command' };
    const deps = { fetch, now: () => new Date(), channels: {}, signal: new AbortController().signal };
    await action.execute({}, actionContext({ ...job, params: {}, createdAt: new Date().toISOString() }, deps, event));
    return JSON.parse(chat.requests[0]?.body ?? '{}') as { response_type: string; text: string };
  };

  it('on Slack escapes the words it echoes (sent with &, < and > escaped), so a label can neither ping the channel nor hide a link', async () => {
    const reply = await run('slack', 'subscribe acme/api +label:&lt;!channel&gt; -label:&lt;https://evil.example|docs&gt;');
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('+label:&lt;!channel&gt; -label:&lt;https://evil.example|docs&gt;');
    expect(reply.text).not.toMatch(/[<>]/);
  });

  it('on Mattermost repeats the words of the command without a live @channel or @all', async () => {
    const reply = await run('mattermost', 'subscribe acme/api +label:@channel -label:@all');
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('+label:@\u200bchannel -label:@\u200ball');
    expect(reply.text).not.toMatch(/@(?!\u200b)/);
  });
});
