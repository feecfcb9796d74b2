import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';
import { createMuteStore } from '../../../../src/noise/mutes.ts';
import { createSubscriptionCommandAction } from '../../../../src/subscriptions/commands/command-action.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import { createSubscriptionStore } from '../../../../src/subscriptions/subscription-store.ts';
import { startFakeApi, type FakeApi } from '../../actions/ci/fake-api.ts';
import { openTempEmbeddedBus } from '../../../helpers/hub-fixtures.ts';
import { actionContext } from '../../../helpers/action-context.ts';

describe('a Mattermost slash-command reply', () => {
  let bus: EventBus;
  let mattermost: FakeApi;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    mattermost = await startFakeApi(() => ({ status: 200, body: 'ok' }));
  });
  afterEach(async () => {
    await bus.close();
    await mattermost.close();
  });

  /** Runs `/hookhub <text>` as Mattermost sends it, answered to the fake Mattermost server. */
  const run = (text: string) => {
    const settings = SubscriptionsConfigSchema.parse({ allow: { users: ['*'] }, mattermost: { url: mattermost.url } });
    const action = createSubscriptionCommandAction({
      store: createSubscriptionStore(bus),
      mutes: createMuteStore(bus.kv('noise-mutes'), () => new Date()),
      settings,
    });
    const channel = 'c'.repeat(26);
    const data = { channel_id: channel, team_id: 't'.repeat(26), user_id: 'u'.repeat(26), user_name: 'ana', text };
    const event = createHubEvent({
      id: 'mm-1',
      type: 'mattermost.command.hookhub',
      connector: 'mattermost',
      data: { ...data, response_url: `${mattermost.url}/hooks/commands/x` },
    });
    const job = { id: 'mm-1:cmd:0', eventId: 'mm-1', eventType: event.type, rule: 'cmd', index: 0, action: 'subscription-command' };
    const deps = { fetch, now: () => new Date(), channels: {}, signal: new AbortController().signal };
    return action.execute({}, actionContext({ ...job, params: {}, createdAt: new Date().toISOString() }, deps, event));
  };

  it('repeats the words of the command without a live @channel or @all', async () => {
    await run('subscribe acme/api +label:@channel -label:@all');
    const reply = JSON.parse(mattermost.requests[0]?.body ?? '{}') as { response_type: string; text: string };
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('+label:@\u200bchannel -label:@\u200ball');
    expect(reply.text).not.toMatch(/@(?!\u200b)/);
  });
});
