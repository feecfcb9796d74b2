import { describe, expect, it } from 'vitest';
import { findConnector } from '../../../../connectors/index.ts';
import { chatPlatformNames } from '../../../../src/subscriptions/chat/platforms/index.ts';
import { discordCard } from '../../../../src/subscriptions/chat/platforms/discord/render-card.ts';
import { mattermostCard } from '../../../../src/subscriptions/chat/platforms/mattermost/render-card.ts';
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

  it("links only to http(s) URLs, and a URL people set (a deployment's target_url) cannot end the link and ping the channel", () => {
    const sectionText = (url: string) => {
      const blocks = slackCard({ title: 'Deployed', url, fields: [] }).attachments[0]?.blocks as { text?: { text: string } }[];
      return blocks[0]?.text?.text;
    };
    expect(sectionText('https://ci.example/run>  <!channel> <https://evil.example|click')).toBe(
      '*<https://ci.example/run%3E%20%20%3C!channel%3E%20%3Chttps://evil.example%7Cclick|Deployed>*',
    );
    expect(sectionText('javascript:alert(1)')).toBe('*Deployed*');
    const card = { title: 'Deployed', url: 'javascript:alert(1)', fields: [] };
    expect(discordCard(card)).not.toHaveProperty('url');
    expect(mattermostCard(card)).not.toHaveProperty('title_link');
    expect(discordCard({ ...card, url: 'https://ci.example/run 1' }).url).toBe('https://ci.example/run%201');
  });
});
