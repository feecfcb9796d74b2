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

describe('a Slack slash-command reply', () => {
  let bus: EventBus;
  let slack: FakeApi;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    slack = await startFakeApi(() => ({ status: 200, body: 'ok' }));
  });
  afterEach(async () => {
    await bus.close();
    await slack.close();
  });

  /** Runs `/hookhub <text>` as Slack sends it (form text with &, < and > escaped), answered to the fake Slack. */
  const run = (text: string) => {
    const settings = SubscriptionsConfigSchema.parse({ allow: { users: ['*'] }, slack: { apiUrl: `${slack.url}/api` } });
    const action = createSubscriptionCommandAction({
      store: createSubscriptionStore(bus),
      mutes: createMuteStore(bus.kv('noise-mutes'), () => new Date()),
      settings,
    });
    const data = { channel_id: 'C1', team_id: 'T1', user_id: 'U1', user_name: 'ana', text, response_url: `${slack.url}/commands/x` };
    const event = createHubEvent({ id: 'sl-1', type: 'slack.command.hookhub', connector: 'slack', data });
    const job = { id: 'sl-1:cmd:0', eventId: 'sl-1', eventType: event.type, rule: 'cmd', index: 0, action: 'subscription-command' };
    const deps = { fetch, now: () => new Date(), channels: {}, signal: new AbortController().signal };
    return action.execute({}, actionContext({ ...job, params: {}, createdAt: new Date().toISOString() }, deps, event));
  };

  it('escapes the words it echoes, so a label can neither ping the channel nor hide a link', async () => {
    await run('subscribe acme/api +label:&lt;!channel&gt; -label:&lt;https://evil.example|docs&gt;');
    const reply = JSON.parse(slack.requests[0]?.body ?? '{}') as { response_type: string; text: string };
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('+label:&lt;!channel&gt; -label:&lt;https://evil.example|docs&gt;');
    expect(reply.text).not.toMatch(/[<>]/);
  });
});
