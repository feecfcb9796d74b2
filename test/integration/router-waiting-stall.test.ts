/**
 * A router still waiting for its subscription rules takes no event, so past stallAfter it is stalled: the stall
 * names the wait, on both buses. On NATS its durable consumer is not created yet, and the stall used to say
 * "cannot read its pending work: consumer not found".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsumerHealth } from '../../src/bus/consumer-health.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createRuleRouter, type RuleRouter } from '../../src/rules/rule-router.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { compileYaml, event, testRegistry } from '../unit/rules/test-context.ts';

const natsServer = useNatsServer();
const RULES = `rules:
  - name: pushes
    on: github.push
    do:
      - notify: { channel: eng, text: "push" }
`;

const backends: [string, () => Promise<{ bus: EventBus; cleanup: () => Promise<void> }>][] = [
  [
    'embedded',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hookhub-waiting-'));
      const bus = await createEmbeddedBus({ path: join(dir, 'hookhub.db') });
      return { bus, cleanup: async () => (await bus.close(), await rm(dir, { recursive: true, force: true })) };
    },
  ],
  [
    'nats',
    async () => {
      const bus = await createNatsBus({ url: natsServer().url, prefix: `waiting${process.pid}` });
      return { bus, cleanup: () => bus.close() };
    },
  ],
];

describe.each(backends)('a router waiting for its rules on the %s bus', (_name, open) => {
  let router: RuleRouter | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await router?.stop();
    await cleanup?.();
  });

  it('is reported as stalled waiting for the subscription rules, not as failing to read its work', async () => {
    const opened = await open();
    cleanup = opened.cleanup;
    let clock = Date.now();
    const health = createConsumerHealth({ logger: silentLogger, now: () => clock, stallAfterMs: 1_000 });
    const loaded = compileYaml(RULES);
    if (!loaded.ok) throw new Error('the rules do not load');
    router = createRuleRouter({
      bus: opened.bus,
      getRuleSet: () => loaded.ruleSet,
      registry: testRegistry,
      logger: silentLogger,
      now: () => new Date(),
      health,
      ready: new Promise<void>(() => undefined),
    });
    router.start();
    const pushed = event({ type: 'github.push' });
    await opened.bus.publish('events', { id: pushed.id, subject: pushed.type, payload: pushed });

    await expect
      .poll(async () => {
        clock += 10_000;
        await health.check();
        return health.stalls().map((s) => s.reason);
      })
      .toEqual(['waiting for the subscription rules to load (the subscriptions-refresh loop reads them)']);
  });
});
