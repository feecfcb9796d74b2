import { unscopedScope } from '../../../helpers/subscription-scope.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { createNoiseGate } from '../../../../src/noise/noise-gate.ts';
import type { RulesContext } from '../../../../src/rules/rule.ts';
import { createChatAction } from '../../../../src/subscriptions/chat/chat-action.ts';
import { parseCommand } from '../../../../src/subscriptions/commands/command-parser.ts';
import { createSubscriptionRules } from '../../../../src/subscriptions/compile/subscription-rules.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import type { Subscription } from '../../../../src/subscriptions/subscription.ts';
import { createSubscriptionStore, type SubscriptionStore } from '../../../../src/subscriptions/subscription-store.ts';
import { openTempEmbeddedBus, silentLogger } from '../../../helpers/hub-fixtures.ts';

let bus: EventBus;
let store: SubscriptionStore;
let context: RulesContext;
const settings = SubscriptionsConfigSchema.parse({ refresh: '20ms' });

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  store = createSubscriptionStore(bus);
  const chat = createChatAction({ store, gate: createNoiseGate({ bus, now: () => new Date() }), bus, settings });
  context = { registry: { chat }, channels: [], connectors: ['github', 'slack'], connectorTypes: { github: 'github', slack: 'slack' } };
});
afterAll(() => bus.close());

function subscription(): Subscription {
  const parsed = parseCommand('subscribe acme/api');
  if (!parsed.ok || parsed.command.verb !== 'subscribe') throw new Error('bad command');
  const { target, features, filters } = parsed.command;
  return {
    id: 'abc123',
    channel: { platform: 'slack', connector: 'slack', id: 'C1', name: 'eng' },
    ...{ target, features, filters },
    createdBy: { id: 'U1', name: 'ana' },
    createdAt: '2026-11-28T17:00:00.000Z',
  };
}

/** The store, with the first `list()` held until `release()`. */
function slowStore() {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let lists = 0;
  const slow: SubscriptionStore = {
    ...store,
    async list() {
      const read = store.list();
      if (++lists === 1) await held;
      return read;
    },
  };
  return { slow, release, lists: () => lists };
}

it('runs one periodic refresh at a time while reading the store hangs', async () => {
  const { slow, release, lists } = slowStore();
  const rules = createSubscriptionRules({ store: slow, context, settings, scope: unscopedScope, logger: silentLogger });
  rules.start();
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lists()).toBe(1);
  } finally {
    rules.stop();
    release();
  }
});

it('a refresh asked for during a slow one reads the store again, and the older read never wins', async () => {
  const { slow, release } = slowStore();
  const rules = createSubscriptionRules({ store: slow, context, settings, scope: unscopedScope, logger: silentLogger });
  const first = rules.refresh();
  await store.put(subscription());
  const second = rules.refresh();
  release();
  await Promise.all([first, second]);
  expect(rules.rules().some((rule) => rule.name.startsWith('sub-'))).toBe(true);
  await store.delete('abc123');
});
