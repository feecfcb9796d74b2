import { describe, expect, it } from 'vitest';
import { findConnector } from '../../../../connectors/index.ts';
import { chatPlatformNames } from '../../../../src/subscriptions/chat/platforms/index.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';

describe('chat platforms', () => {
  it('are each named after the connector type that receives their commands', () => {
    for (const name of chatPlatformNames) expect(findConnector(name)?.type).toBe(name);
  });

  it('each have a settings block under subscriptions', () => {
    const settings = SubscriptionsConfigSchema.parse({});
    for (const name of chatPlatformNames) expect(settings[name]).toBeTypeOf('object');
  });
});
