import { describe, expect, it } from 'vitest';
import { findConnector } from '../../../../connectors/index.ts';
import { chatPlatformNames } from '../../../../src/subscriptions/chat/platforms/index.ts';
import { slackCard } from '../../../../src/subscriptions/chat/platforms/slack/render-card.ts';
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

describe('slack card', () => {
  it('escapes the title in the top-level text, which Slack shows above the attachment: a PR title must not ping the channel', () => {
    const card = slackCard({ title: '<!channel> Fix <https://evil.example|this> & that', fields: [] });
    expect(card.text).toBe('&lt;!channel&gt; Fix &lt;https://evil.example|this&gt; &amp; that');
    const long = slackCard({ title: '&'.repeat(3_000), fields: [] });
    expect(long.text.length).toBeLessThanOrEqual(3_000);
    expect(long.text).toMatch(/^(&amp;)+…$/);
  });
});
