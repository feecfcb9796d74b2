import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { SubscriptionsConfigSchema } from '../../../src/subscriptions/settings.ts';
import { createSubscriptionStore } from '../../../src/subscriptions/subscription-store.ts';
import { registerSubscriptionsCommand } from '../../../src/subscriptions/subscriptions-command.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';
import { unscopedScope } from '../../helpers/subscription-scope.ts';

describe('hookhub subscriptions list|export|remove', () => {
  let bus: EventBus;
  let output = '';
  const program = () => {
    const p = new Command('hookhub').exitOverride();
    registerSubscriptionsCommand(p, {
      // The command closes the bus it is given: hand it a view whose close() is a no-op.
      open: () =>
        Promise.resolve({
          bus: { ...bus, kv: (b: string) => bus.kv(b), close: () => Promise.resolve() },
          context: { registry: {}, channels: [], connectors: [] },
          settings: SubscriptionsConfigSchema.parse({}),
          scope: unscopedScope,
        }),
      write: (text) => void (output += text),
    });
    return p;
  };
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    output = '';
    await createSubscriptionStore(bus).put({
      id: 'abc123',
      channel: { platform: 'slack', connector: 'slack', id: 'C1', name: 'eng' },
      target: { provider: 'github', path: 'acme/api' },
      features: [{ name: 'pulls' }],
      filters: { labelsAll: [], labelsNone: ['dependencies'], authorsIn: [], authorsOut: [], branches: [] },
      createdBy: { id: 'U1', name: 'ana' },
      createdAt: '2026-11-28T17:00:00.000Z',
    });
  });
  afterEach(() => bus.close());

  it('lists with origin', async () => {
    await program().parseAsync(['node', 'hookhub', 'subscriptions', 'list']);
    const lines = output.split('\n').map((l) => l.split(/\s{2,}/));
    expect(lines[0]).toEqual(['ID', 'SUBSCRIPTION', 'ORIGIN']);
    expect(lines[1]).toEqual(['abc123', 'acme/api: pulls · -label:dependencies', 'slack #eng (C1) by @ana at 2026-11-28T17:00:00.000Z']);
    expect(lines[2]).toEqual(['1 subscription(s)']);
  });

  it('exports rules YAML and removes by id', async () => {
    await program().parseAsync(['node', 'hookhub', 'subscriptions', 'export']);
    expect(output).toContain('name: sub-abc123-pulls');
    output = '';
    await program().parseAsync(['node', 'hookhub', 'subscriptions', 'remove', 'abc123']);
    expect(output).toBe('removed abc123: acme/api: pulls · -label:dependencies\n');
    expect(await createSubscriptionStore(bus).list()).toEqual([]);
    await expect(program().parseAsync(['node', 'hookhub', 'subscriptions', 'remove', 'abc123'])).rejects.toThrow(
      'no subscription with id abc123',
    );
  });
});
