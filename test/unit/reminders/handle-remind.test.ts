import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { reviewAccessProblem } from '../../../src/reminders/github-review-reader.ts';
import { handleRemind, MAX_REMINDERS_PER_CHANNEL, type RemindDeps } from '../../../src/reminders/handle-remind.ts';
import { parseRemind, type RemindCommand } from '../../../src/reminders/parse-remind.ts';
import { createReminderStore } from '../../../src/reminders/reminder-store.ts';
import type { ChatRequest } from '../../../src/subscriptions/chat/chat-request.ts';
import { SubscriptionsConfigSchema } from '../../../src/subscriptions/settings.ts';
import { openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';
import { reminderId } from '../../../src/reminders/reminder.ts';
import { remindersExtension } from '../../../src/reminders/reminders-extension.ts';
import { unscopedScope } from '../../helpers/subscription-scope.ts';

const request = (channel = 'C1'): ChatRequest => ({
  channel: { platform: 'slack', connector: 'slack', team: 'T1', id: channel, name: 'eng' },
  user: { id: 'U1', name: 'ana' },
  text: '',
  reply: undefined,
});

function command(text: string): RemindCommand {
  const parsed = parseRemind(text.split(' '));
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.command;
}

describe('handleRemind', () => {
  let bus: EventBus;
  let deps: RemindDeps;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    deps = {
      reminders: createReminderStore(bus),
      settings: SubscriptionsConfigSchema.parse({ allow: { users: ['slack:T1/U1'] }, slack: { botToken: 'xoxb' } }),
      scope: unscopedScope,
      now: () => new Date('2026-12-07T08:00:00Z'),
    };
  });
  afterEach(() => bus.close());
  const run = (text: string, channel?: string) => handleRemind(command(text), request(channel), deps);

  it('caps the reminders of one channel; replacing one at the cap, and other channels, still work', async () => {
    for (let i = 0; i < MAX_REMINDERS_PER_CHANNEL; i++) await run(`acme/repo${i} weekdays 09:00`);
    const refused = await run('acme/one-too-many weekdays 09:00');
    expect(refused).toEqual({
      visibility: 'ephemeral',
      text: `This channel already has ${MAX_REMINDERS_PER_CHANNEL} review reminders, the most one channel may have. Remove one first (\`/hookhub remind list\` shows them).`,
    });
    expect(await deps.reminders.list()).toHaveLength(MAX_REMINDERS_PER_CHANNEL);
    expect((await run('acme/repo0 daily 10:00')).text).toMatch(/^Updated the review reminder: acme\/repo0 daily 10:00 UTC/);
    expect((await run('acme/one-too-many weekdays 09:00', 'C2')).text).toMatch(/^This channel gets a review reminder/);
  });

  it('sets no reminder whose pull requests could not be read, and says why', async () => {
    deps.access = (repo) => reviewAccessProblem([], repo);
    expect(await run('acme/api weekdays 09:00')).toEqual({
      visibility: 'ephemeral',
      text: "No review reminder set: no github connector with API access (token or app) to read acme/api's pull requests: see docs/github.md.",
    });
    expect(await deps.reminders.list()).toEqual([]);
  });

  it("sets no reminder for a repository the channel's team may not read (subscriptions.teams), nor outside the connectors' repos/orgs", async () => {
    const sources = [
      { name: 'gh-acme', type: 'github', lists: ['acme'] },
      { name: 'gh-partner', type: 'github', lists: ['partner'] },
    ];
    deps.scope = { sources, teams: { 'slack:T1': ['gh-partner'] } };
    expect((await run('acme/api weekdays 09:00')).text).toBe(
      'No review reminder set: acme/api is not among the repositories and orgs the github connectors list (partner); an admin can add it under repos or orgs.',
    );
    expect((await run('partner/web weekdays 09:00')).text).toMatch(/^This channel gets a review reminder/);
    deps.scope = { sources };
    expect((await run('otherorg/secret weekdays 09:00')).text).toMatch(
      /^No review reminder set: otherorg\/secret is not among the repositories and orgs the github connectors list \(acme, partner\)/,
    );
    expect((await deps.reminders.list()).map((r) => r.repo)).toEqual(['partner/web']);
  });

  it('schedules no reminder stored before the config narrowed what its team may read, and logs its id', async () => {
    await run('acme/api weekdays 09:00');
    await run('partner/web weekdays 09:00');
    const sources = [
      { name: 'gh-acme', type: 'github', lists: ['acme'] },
      { name: 'gh-partner', type: 'github', lists: ['partner'] },
    ];
    const scope = { sources, teams: { 'slack:T1': ['gh-partner'] } };
    const logged: string[] = [];
    const logger = Object.assign(Object.create(silentLogger) as typeof silentLogger, { error: (line: string) => void logged.push(line) });
    const extension = remindersExtension()({ bus, settings: deps.settings, scope, logger });
    const [acme, partner] = await Promise.all([
      deps.reminders.get(reminderId(request().channel, 'acme/api')),
      deps.reminders.get(reminderId(request().channel, 'partner/web')),
    ]);
    expect((await extension.ruleSources()).map((source) => source.file)).toEqual([`reminder:${partner?.id}`]);
    expect(logged).toEqual([
      expect.stringMatching(new RegExp(`^reminders: ${acme?.id} \\(acme/api in slack C1\\) is not scheduled: acme/api is not among`)),
    ]);
  });

  it('warns when nothing could post the digest to the channel', async () => {
    deps.settings = SubscriptionsConfigSchema.parse({ allow: { users: ['slack:T1/U1'] } });
    expect((await run('acme/api weekdays 09:00')).text).toBe(
      'This channel gets a review reminder: acme/api weekdays 09:00 UTC (by @ana).\n:warning: hookhub cannot post here yet: set `subscriptions.slack.botToken` in hookhub.yaml, or map this channel to a hookhub channel under `subscriptions.channels` (`C1: <channel name>`).',
    );
  });
});
