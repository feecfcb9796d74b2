import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/actions/action.ts';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';
import { createNoiseGate } from '../../../../src/noise/noise-gate.ts';
import { createChatAction } from '../../../../src/subscriptions/chat/chat-action.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import { emptyFilters, type Subscription } from '../../../../src/subscriptions/subscription.ts';
import { createSubscriptionStore } from '../../../../src/subscriptions/subscription-store.ts';
import { actionContext } from '../../../helpers/action-context.ts';
import { openTempEmbeddedBus, silentLogger } from '../../../helpers/hub-fixtures.ts';

let bus: EventBus | undefined;
afterEach(async () => {
  await bus?.close();
  bus = undefined;
});

const clock = new Date('2026-11-30T10:00:00Z');
const event = createHubEvent(
  { id: 'push-1', type: 'github.push', connector: 'github', subject: 'acme/api@main', title: 'push 1', data: {} },
  clock,
);
const job: Job = {
  id: 'push-1:sub:0',
  eventId: event.id,
  eventType: event.type,
  rule: 'sub',
  index: 0,
  action: 'chat',
  params: { subscription: 'sub-1', feature: 'commits' },
  createdAt: clock.toISOString(),
};

describe('the chat action with noise settings stored invalid', () => {
  it('uses the defaults and warns, naming the subscription', async () => {
    const opened = await openTempEmbeddedBus();
    bus = opened;
    const store = createSubscriptionStore(opened);
    const sub = {
      id: 'sub-1',
      channel: { platform: 'slack', connector: 'slack', team: 'T1', id: 'C1' },
      target: { connector: 'github', repo: 'acme/api' },
      features: [{ name: 'commits' }],
      filters: emptyFilters(),
      noise: { throttle: { max: 'lots', per: '1h' } },
      createdBy: { id: 'U1' },
      createdAt: clock.toISOString(),
    } as unknown as Subscription;
    await store.put(sub);
    const settings = SubscriptionsConfigSchema.parse({ defaults: { group: { wait: '1m' } } });
    const action = createChatAction({ store, gate: createNoiseGate({ bus: opened, now: () => clock }), bus: opened, settings });
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const log = { ...silentLogger, warn: (fields: Record<string, unknown>, message: string) => void warnings.push({ fields, message }) };
    const deps = { fetch, now: () => clock, channels: {}, signal: new AbortController().signal };
    const ctx = { ...actionContext(job, deps, event), log: log as unknown as Logger };
    const result = await action.execute(action.paramsSchema.parse(job.params), ctx);
    expect(result.status).toBe(202);
    expect(result.response).toMatch(/^grouped until /);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/noise settings stored for this subscription are invalid; the defaults are used/);
    expect(warnings[0]?.fields.subscription).toBe('sub-1');
    expect(warnings[0]?.fields.problems).toEqual([expect.stringMatching(/^throttle\.max: /) as unknown]);
  });
});
