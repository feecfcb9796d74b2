import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from '../../src/config/env.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { reminderId, reminderRuleName, type Reminder } from '../../src/reminders/reminder.ts';
import { createReminderStore } from '../../src/reminders/reminder-store.ts';
import { createScheduler } from '../../src/scheduler/create-scheduler.ts';
import { emptyFilters, type ChatChannel } from '../../src/subscriptions/subscription.ts';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.ts';
import { eventually, silentLogger, tempDir } from '../helpers/hub-fixtures.ts';
import { sendSlashCommand, startFakeSlack, GITHUB_SECRET, SLACK_SECRET, type FakeSlack } from './subscriptions-harness.ts';

// Monday 2 March 2026, 09:00 in Berlin: the tick of `weekdays 09:00 Europe/Berlin`. Long past on
// purpose: on the day itself, the hub's catch-up (by the system clock, within 10 minutes of the tick)
// fired the review-digest tick the test fires, which then found only duplicates.
const NOW = new Date('2026-03-02T08:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const MM_CHANNEL = 'mm-channel-1';
const DISCORD_CHANNEL = '1180000000000000901';

let chat: FakeSlack;
let github: FakeGithub;
let hub: RunningHub;

beforeAll(async () => {
  chat = await startFakeSlack();
  github = await startFakeGithub({ tokens: ['ghp_reminders'], now: () => NOW });
  github.setPulls('acme/api', [
    { number: 12, title: 'Fix login', author: 'ana', createdAt: hoursAgo(50), reviewers: ['bob'], teams: ['core'], labels: ['bug'] },
    { number: 13, title: 'Bump lodash', author: 'dependabot[bot]', createdAt: hoursAgo(30), reviewers: ['bob'] },
    { number: 14, title: 'Draft idea', author: 'carla', createdAt: hoursAgo(40), reviewers: ['bob'], draft: true },
    { number: 15, title: 'No reviewer yet', author: 'dan', createdAt: hoursAgo(40) },
    { number: 16, title: 'Just opened', author: 'erin', createdAt: hoursAgo(1), reviewers: ['ana'] },
    { number: 17, title: 'Add rate limits', author: 'finn', createdAt: hoursAgo(6), reviewers: ['ana', 'bob'] },
  ]);
  const dir = tempDir('hookhub-remind-');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'reviews.yaml'),
    `rules:
  - name: review-digest
    schedule: "0 9 * * 1-5"
    timezone: Europe/Berlin
    do:
      - report: { source: github-reviews, repo: acme/api, title: Reviews, channel: ops, olderThan: 4h, filter: "+label:bug" }
`,
  );
  const yaml = `
server: { port: 0, host: 127.0.0.1 }
bus: { type: embedded, path: ./hub.db }
connectors:
  github: { type: github, secret: ${GITHUB_SECRET}, token: ghp_reminders, apiUrl: "${github.url}" }
  slack: { type: slack, secret: ${SLACK_SECRET} }
channels:
  ops: { type: slack, url: "${chat.url}/incoming/ops" }
delivery: { allowlist: [127.0.0.1] }
rules: ./rules
subscriptions:
  allow: { users: [slack:T1/U0ANA] }
  refresh: 100ms
  slack: { botToken: xoxb-test-token, apiUrl: "${chat.url}/api" }
  discord: { botToken: discord-bot-token, apiUrl: "${chat.url}/discord" }
  mattermost: { url: "${chat.url}/mm", botToken: mm-bot-token }
`;
  const config = parseConfig(join(dir, 'hookhub.yaml'), yaml, readEnv({}));
  hub = await startHub({ config, logger: silentLogger, now: () => NOW });
});

afterAll(async () => {
  await hub?.stop();
  await github?.close();
  chat?.close();
});

/** Waits for `find` to return something (test timeouts in ms). */
async function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return (await eventually(find, timeoutMs, what)) as T;
}

/** Two schedulers on the same bus, as two hub processes would run them, both firing the same tick. */
async function fireTwice(rule: string): Promise<boolean[]> {
  const found = await waitFor(() => hub.rules.getRuleSet().scheduled.find((r) => r.name === rule), 5_000, `rule ${rule}`);
  const schedulers = [0, 1].map(() => createScheduler({ bus: hub.bus, getRuleSet: hub.rules.getRuleSet, logger: silentLogger }));
  return Promise.all(schedulers.map(async (s) => (await s.fire(found, NOW)).duplicate));
}

describe('PR review reminders', () => {
  it('sets a reminder from Slack and posts one digest at the tick, even with two hub processes firing it', async () => {
    const sent = await sendSlashCommand(
      hub.port,
      chat.url,
      'remind acme/api weekdays 09:00 Europe/Berlin -author:dependabot[bot] older-than:4h',
      undefined,
      NOW,
    );
    expect(sent.status).toBe(200);
    const reply = await waitFor(() => chat.calls.find((c) => c.path === sent.responsePath), 10_000, 'the command reply');
    expect(reply.body.text).toBe(
      'This channel gets a review reminder: acme/api weekdays 09:00 Europe/Berlin · older-than:4h · -author:dependabot[bot] (by @ana).',
    );
    const channel: ChatChannel = { platform: 'slack', connector: 'slack', team: 'T1', id: 'C_ENG', name: 'eng' };
    const id = reminderId(channel, 'acme/api');
    const rule = await waitFor(
      () => hub.rules.getRuleSet().scheduled.find((r) => r.name === reminderRuleName(id)),
      5_000,
      'the reminder rule',
    );
    expect(rule.schedule).toEqual({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' });

    expect((await fireTwice(reminderRuleName(id))).sort()).toEqual([false, true]);
    const post = await waitFor(
      () => chat.calls.find((c) => c.path === '/api/chat.postMessage' && c.body.channel === 'C_ENG'),
      10_000,
      'the Slack digest',
    );
    const text = JSON.stringify(post.body);
    expect(post.body.text).toBe('2 pull requests in acme/api waiting for review');
    expect(text).toContain('#12 Fix login [bug] by @ana, open 2d 2h, waiting on @bob, @acme/core');
    expect(text).toContain('#17 Add rate limits by @finn, open 6h, waiting on @ana, @bob');
    // Dependabot (filtered), the draft, the PR nobody was asked to review and the 1-hour-old one stay out.
    for (const n of [13, 14, 15, 16]) expect(text).not.toContain(`#${n} `);
    expect(text.indexOf('#12')).toBeLessThan(text.indexOf('#17'));
    await new Promise((r) => setTimeout(r, 300));
    expect(chat.calls.filter((c) => c.path === '/api/chat.postMessage')).toHaveLength(1);
    // The digest exactly as Slack received it, for docs/subscriptions.md readers.
    writeFileSync(join(import.meta.dirname, '..', 'artifacts', 'review-reminder-slack.json'), `${JSON.stringify(post.body, null, 2)}\n`);
  }, 30_000);

  it('renders the same digest on Mattermost and Discord', async () => {
    const store = createReminderStore(hub.bus);
    const base = {
      repo: 'acme/api',
      schedule: { days: 'weekdays', times: ['09:00'], timezone: 'Europe/Berlin', cron: '0 9 * * 1-5' },
      filters: emptyFilters(),
      olderThanMs: 4 * 3_600_000,
      createdBy: { id: 'U1' },
      createdAt: NOW.toISOString(),
    };
    const channels: ChatChannel[] = [
      { platform: 'mattermost', connector: 'mattermost', id: MM_CHANNEL },
      { platform: 'discord', connector: 'discord', id: DISCORD_CHANNEL },
    ];
    for (const channel of channels) {
      const reminder: Reminder = { ...base, id: reminderId(channel, 'acme/api'), channel };
      await store.put(reminder);
      await fireTwice(reminderRuleName(reminder.id));
    }
    const mm = await waitFor(() => chat.calls.find((c) => c.path === '/mm/api/v4/posts'), 10_000, 'the Mattermost digest');
    const attachment = (mm.body.props as { attachments: Record<string, string>[] }).attachments[0];
    expect(mm.body.channel_id).toBe(MM_CHANNEL);
    expect(attachment?.title).toBe('3 pull requests in acme/api waiting for review');
    // GitHub handles are not Mattermost users: the card quotes them without mentioning anyone, as Slack's text does.
    expect(attachment?.text).toContain('#13 Bump lodash by @\u200bdependabot[bot], open 1d 6h, waiting on @\u200bbob');
    const discord = await waitFor(
      () => chat.calls.find((c) => c.path === `/discord/channels/${DISCORD_CHANNEL}/messages`),
      10_000,
      'the Discord digest',
    );
    const embed = (discord.body.embeds as Record<string, string>[])[0];
    expect(embed?.title).toBe('3 pull requests in acme/api waiting for review');
    expect(embed?.url).toBe('https://github.com/acme/api/pulls');
    expect(embed?.description).toContain('#17 Add rate limits by @finn');
    expect(embed?.description).not.toContain('Just opened');
  }, 30_000);

  it('lists and removes reminders from chat; the removed reminder leaves the schedule', async () => {
    const listed = await sendSlashCommand(hub.port, chat.url, 'remind list', undefined, NOW);
    const list = await waitFor(() => chat.calls.find((c) => c.path === listed.responsePath), 10_000, 'the list reply');
    expect(list.body.text).toBe(
      'Review reminders in this channel:\n• acme/api weekdays 09:00 Europe/Berlin · older-than:4h · -author:dependabot[bot]',
    );
    const removed = await sendSlashCommand(hub.port, chat.url, 'remind remove acme/api', undefined, NOW);
    const answer = await waitFor(() => chat.calls.find((c) => c.path === removed.responsePath), 10_000, 'the remove reply');
    expect(answer.body.text).toBe('Removed the review reminder for acme/api (by @ana).');
    const rule = reminderRuleName(reminderId({ platform: 'slack', connector: 'slack', team: 'T1', id: 'C_ENG' }, 'acme/api'));
    await eventually(() => !hub.rules.getRuleSet().scheduled.some((r) => r.name === rule), 5_000, 'the reminder rule gone');
    const bad = await sendSlashCommand(hub.port, chat.url, 'remind acme/api someday 9am', undefined, NOW);
    const error = await waitFor(() => chat.calls.find((c) => c.path === bad.responsePath), 10_000, 'the error reply');
    expect(error.body.text).toMatch(/^"someday" is not a set of days; use weekdays, daily, weekends or day names/);
  }, 30_000);

  it('serves the digest to a rule file as a report source', async () => {
    expect(await fireTwice('review-digest')).toContain(false);
    const post = await waitFor(() => chat.calls.find((c) => c.path === '/incoming/ops'), 10_000, 'the report on the ops channel');
    const text = JSON.stringify(post.body);
    expect(text).toContain('1 pull request in acme/api waiting for review');
    expect(text).toContain('#12 Fix login [bug]');
    expect(text).not.toContain('#17');
  }, 30_000);
});
