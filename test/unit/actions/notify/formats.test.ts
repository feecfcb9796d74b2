import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, formatDiscord } from '../../../../src/actions/notify/format/discord.ts';
import { formatEmail } from '../../../../src/actions/notify/format/email.ts';
import { formatMattermost, MATTERMOST_LIMITS } from '../../../../src/actions/notify/format/mattermost.ts';
import { escapeMrkdwn, formatSlack, SLACK_LIMITS } from '../../../../src/actions/notify/format/slack.ts';
import { formatTeams, TEAMS_LIMITS } from '../../../../src/actions/notify/format/teams.ts';
import type { NotifyParams } from '../../../../src/actions/notify/notify-params.ts';

const huge = 'word '.repeat(5_000) + '😀';
const manyFields = Array.from({ length: 40 }, (_, i) => ({
  title: `field ${i} ${'t'.repeat(300)}`,
  value: 'v'.repeat(2_000),
  short: i % 2 === 0,
}));
const basic: NotifyParams = {
  channel: 'eng',
  title: 'PR #42 opened',
  text: 'Fix <b> & "quotes" in *bold*',
  url: 'https://github.com/acme/api/pull/42',
};

type Block = { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { url?: string }[] };

describe('slack', () => {
  it('sends Block Kit with a text fallback, mrkdwn escaped', () => {
    const payload = formatSlack(basic) as { text: string; blocks: Block[] };
    expect(payload.text).toBe('PR #42 opened: Fix &lt;b&gt; &amp; "quotes" in *bold*');
    expect(payload.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'PR #42 opened', emoji: true } });
    expect(payload.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: 'Fix &lt;b&gt; &amp; "quotes" in *bold*' } });
    expect(payload.blocks[2]?.elements?.[0]?.url).toBe(basic.url);
    expect(escapeMrkdwn('<@U123> & <!channel>')).toBe('&lt;@U123&gt; &amp; &lt;!channel&gt;');
  });

  it('keeps every block within documented limits, never rejecting long text', () => {
    const payload = formatSlack({ channel: 'eng', title: huge, text: huge, fields: manyFields }) as { text: string; blocks: Block[] };
    expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of payload.blocks) {
      if (block.type === 'header') expect(block.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if (block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
    }
    expect(payload.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(payload.blocks.filter((b) => b.fields).flatMap((b) => b.fields)).toHaveLength(40);
  });

  it('escapes the top-level text too: with a colour it is the text Slack shows, and event text must not ping the channel', () => {
    const payload = formatSlack({
      channel: 'eng',
      title: '<!channel> PR',
      text: '<https://evil.example|Click> & more',
      color: 'danger',
    }) as {
      text: string;
    };
    expect(payload.text).toBe('&lt;!channel&gt; PR: &lt;https://evil.example|Click&gt; &amp; more');
    // Cut within the limit without leaving half an entity behind.
    const long = formatSlack({ channel: 'eng', text: '&'.repeat(SLACK_LIMITS.fallbackText) }) as { text: string };
    expect(long.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(long.text).toMatch(/^(&amp;)+…$/);
  });

  it('uses an attachment colour bar when a colour is given', () => {
    const payload = formatSlack({ ...basic, color: 'danger' }) as { attachments: { color: string; blocks: unknown[] }[] };
    expect(payload.attachments[0]?.color).toBe('#e01e5a');
    expect(payload.attachments[0]?.blocks.length).toBeGreaterThan(0);
  });
});

type Embed = {
  title?: string;
  description?: string;
  url?: string;
  color?: number;
  fields?: { name: string; value: string; inline: boolean }[];
};

describe('discord', () => {
  it('sends one embed with title, link, colour and inline fields, mentions disabled', () => {
    const payload = formatDiscord({ ...basic, color: '#ff0000', fields: [{ title: 'Repo', value: 'acme/api', short: true }] }) as {
      embeds: Embed[];
      allowed_mentions: unknown;
    };
    expect(payload.embeds[0]).toEqual({
      title: 'PR #42 opened',
      description: basic.text,
      url: basic.url,
      color: 0xff0000,
      fields: [{ name: 'Repo', value: 'acme/api', inline: true }],
    });
    expect(payload.allowed_mentions).toEqual({ parse: [] });
  });

  it('respects the 256/4096/25/256/1024 limits and the 6000 total', () => {
    const payload = formatDiscord({ channel: 'x', title: huge, text: huge, fields: manyFields }) as { embeds: Embed[]; content?: string };
    const embed = payload.embeds[0] as Embed;
    expect(embed.title?.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(embed.description?.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
      total += field.name.length + field.value.length;
    }
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(embed.description?.endsWith('…')).toBe(true);
  });

  it('puts a link without a title into content (max 2000)', () => {
    const payload = formatDiscord({ channel: 'x', text: 'hi', url: basic.url }) as { content: string };
    expect(payload.content).toBe(basic.url);
  });
});

describe('teams', () => {
  it('sends a Workflows message with an Adaptive Card 1.4', () => {
    const payload = formatTeams({ ...basic, fields: [{ title: 'Repo', value: 'acme/api' }] }) as {
      type: string;
      attachments: { contentType: string; content: Record<string, unknown> }[];
    };
    expect(payload.type).toBe('message');
    expect(payload.attachments).toHaveLength(1);
    const [attachment] = payload.attachments;
    expect(attachment?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment?.content).toMatchObject({
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: 'PR #42 opened', weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: basic.text, wrap: true },
        { type: 'FactSet', facts: [{ title: 'Repo', value: 'acme/api' }] },
      ],
      actions: [{ type: 'Action.OpenUrl', title: 'Open', url: basic.url }],
    });
  });

  it('stays under the ~28 KB Teams message limit', () => {
    const payload = formatTeams({ channel: 'x', title: huge, text: `"é😀\n`.repeat(20_000), fields: manyFields });
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThan(TEAMS_LIMITS.messageBytes);
    expect(JSON.stringify(payload)).toContain('…');
  });
});

describe('mattermost and email', () => {
  it('mattermost: Slack-compatible attachment with username and icon', () => {
    const payload = formatMattermost({ ...basic, color: 'good' }, { username: 'hookhub', iconUrl: 'https://x/icon.png' });
    expect(payload).toMatchObject({
      username: 'hookhub',
      icon_url: 'https://x/icon.png',
      attachments: [{ title: 'PR #42 opened', title_link: basic.url, text: basic.text, color: '#2eb67d' }],
    });
  });

  it('mattermost: event text in the attachment text, field values and a lone link mentions nobody', () => {
    const payload = formatMattermost({
      channel: 'ops',
      text: 'Deploy by @alice failed, @channel look',
      url: 'https://chat.example/@here',
      fields: [{ title: '@all owners', value: '@devops' }],
    });
    const [attachment] = payload.attachments as { pretext?: string; text?: string; fields?: { value: string }[] }[];
    const mentionable = [
      payload.text as string | undefined,
      attachment?.pretext,
      attachment?.text,
      ...(attachment?.fields ?? []).map((f) => f.value),
    ];
    for (const value of mentionable) expect(value ?? '').not.toMatch(/@[\p{L}\p{N}_.-]/u);
    expect(attachment).toMatchObject({ text: 'Deploy by @\u200balice failed, @\u200bchannel look', title: 'https://chat.example/@here' });
    expect(attachment).toMatchObject({
      title_link: 'https://chat.example/@here',
      fields: [{ title: '@all owners', value: '@\u200bdevops' }],
    });
  });

  it('mattermost: quieted text stays within the limit, and an address is left as written', () => {
    const full = formatMattermost({
      channel: 'ops',
      text: `@channel ${'x'.repeat(20_000)}`,
      fields: [{ title: 'f', value: `@all ${'y'.repeat(5_000)}` }],
    });
    const [attachment] = full.attachments as { text: string; fields: { value: string }[] }[];
    expect(attachment?.text.length).toBeLessThanOrEqual(16_383);
    expect(attachment?.text.startsWith('@\u200bchannel')).toBe(true);
    expect(attachment?.fields[0]?.value.length).toBeLessThanOrEqual(MATTERMOST_LIMITS.fieldValue);
    const mail = formatMattermost({ channel: 'ops', text: 'mail bob@example.com or ops+oncall@acme.test, ping (@alice)' });
    expect((mail.attachments as { text: string }[])[0]?.text).toBe('mail bob@example.com or ops+oncall@acme.test, ping (@\u200balice)');
  });

  it('email: subject is the title or the first line, one line only; HTML escaped', () => {
    expect(formatEmail(basic).subject).toBe('PR #42 opened');
    expect(formatEmail({ channel: 'm', text: 'Deploy failed\nstack...' }).subject).toBe('Deploy failed');
    expect(formatEmail({ channel: 'm', title: 'a\r\nBcc: evil@x', text: '' }).subject).toBe('a Bcc: evil@x');
    expect(formatEmail(basic).html).toContain('Fix &lt;b&gt; &amp;');
  });
});
