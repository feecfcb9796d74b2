import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { createMuteStore } from '../../../../src/noise/mutes.ts';
import type { ChatRequest } from '../../../../src/subscriptions/chat/chat-request.ts';
import {
  handleChatCommand,
  MAX_SUBSCRIPTIONS_PER_CHANNEL,
  type CommandDeps,
} from '../../../../src/subscriptions/commands/handle-command.ts';
import { SubscriptionsConfigSchema } from '../../../../src/subscriptions/settings.ts';
import { createSubscriptionStore, subscriptionId } from '../../../../src/subscriptions/subscription-store.ts';
import { openTempEmbeddedBus } from '../../../helpers/hub-fixtures.ts';
import { unscopedScope } from '../../../helpers/subscription-scope.ts';

const clock = { now: new Date('2026-11-28T17:00:00Z') };
const request = (text: string, user = { id: 'U1', name: 'ana' }, channel = 'C1'): ChatRequest => ({
  channel: { platform: 'slack', connector: 'slack', team: 'T1', id: channel, name: 'eng' },
  user,
  text,
  reply: undefined,
});

describe('handleChatCommand', () => {
  let bus: EventBus;
  let deps: CommandDeps;
  let changes = 0;
  beforeEach(async () => {
    bus = await openTempEmbeddedBus();
    changes = 0;
    deps = {
      store: createSubscriptionStore(bus),
      mutes: createMuteStore(bus.kv('noise-mutes'), () => clock.now),
      settings: SubscriptionsConfigSchema.parse({ allow: { users: ['slack:T1/U1'] }, slack: { botToken: 'xoxb' } }),
      scope: unscopedScope,
      now: () => clock.now,
      onChange: () => void changes++,
    };
  });
  afterEach(() => bus.close());
  const run = (text: string, user?: { id: string; name: string }, channel?: string) =>
    handleChatCommand(request(text, user, channel), deps);

  it('adds features when subscribing again; filters given replace the old ones, absent ones stay', async () => {
    await run('subscribe acme/api pulls +label:bug');
    expect(await run('subscribe acme/api reviews')).toEqual({
      visibility: 'channel',
      text: 'Updated this channel to acme/api: pulls, reviews · +label:bug (by @ana).',
    });
    expect((await run('subscribe acme/api -label:wip')).text).toBe(
      'Updated this channel to acme/api: pulls, reviews · -label:wip (by @ana).',
    );
    const [sub] = await deps.store.list();
    expect(sub).toMatchObject({ createdBy: { id: 'U1' }, createdAt: '2026-11-28T17:00:00.000Z', updatedBy: { id: 'U1' } });
    expect(changes).toBe(3);
  });

  it('concurrent subscribes to one target keep every feature (optimistic concurrency on the store)', async () => {
    await Promise.all(['issues', 'pulls', 'commits', 'releases'].map((f) => run(`subscribe acme/api ${f}`)));
    expect((await deps.store.list())[0]?.features.map((f) => f.name).sort()).toEqual(['commits', 'issues', 'pulls', 'releases']);
  });

  it('unsubscribes features, then the rest', async () => {
    await run('subscribe acme/api issues pulls commits');
    expect((await run('unsubscribe acme/api commits')).text).toBe(
      'Unsubscribed this channel from commits of acme/api; still subscribed to acme/api: issues, pulls (by @ana).',
    );
    expect((await run('unsubscribe acme/api issues pulls')).text).toBe('Unsubscribed this channel from acme/api (by @ana).');
    expect(await deps.store.list()).toEqual([]);
  });

  it('explains what there is when a target is not subscribed', async () => {
    await run('subscribe acme/web');
    expect(await run('unsubscribe acme/api')).toEqual({
      visibility: 'ephemeral',
      text: 'This channel has no subscription to acme/api. Subscribed here: acme/web.',
    });
    expect((await run('mute acme/api 1h')).text).toBe('This channel has no subscription to acme/api. Subscribed here: acme/web.');
  });

  it('keeps channels apart', async () => {
    await run('subscribe acme/api', undefined, 'C1');
    expect((await run('list', undefined, 'C2')).text).toBe('This channel has no subscriptions. Try `/hookhub subscribe owner/repo`.');
  });

  it('mutes a target or the whole channel, lists mutes, unmutes', async () => {
    await run('subscribe acme/api');
    expect((await run('mute acme/api 90m')).text).toBe('acme/api is muted for 1h 30m, until 2026-11-28T18:30:00.000Z.');
    expect((await run('mute all 1d')).text).toBe('Everything in this channel is muted for 1d, until 2026-11-29T17:00:00.000Z.');
    expect((await run('list')).text).toBe(
      'This channel is subscribed to:\n• acme/api: default features — muted until 2026-11-28T18:30:00.000Z\nEverything here is muted until 2026-11-29T17:00:00.000Z.',
    );
    expect((await run('unmute acme/api')).text).toBe('Unmuted acme/api.');
    expect(await run('unmute acme/api')).toEqual({ visibility: 'ephemeral', text: 'acme/api was not muted.' });
  });

  it('only allowed users change subscriptions; anyone may list and get help', async () => {
    const bob = { id: 'U2', name: 'bob' };
    expect((await run('subscribe acme/api', bob)).text).toContain(
      'Sorry @bob, you may not change subscriptions in #eng. An admin can allow you (`slack:T1/U2`) or this channel (`slack:T1/C1`)',
    );
    expect((await run('list', bob)).visibility).toBe('ephemeral');
    expect((await run('help', bob)).text).toContain('/hookhub subscribe <target> [features] [filters]');
    deps.settings = SubscriptionsConfigSchema.parse({});
    expect((await run('subscribe acme/api')).text).toContain('Subscriptions are locked');
  });

  it('answers malformed commands with the problem and the usage, never a stack trace', async () => {
    const reply = await run('subscribe acme/api pulls +label:');
    expect(reply.visibility).toBe('ephemeral');
    expect(reply.text).toBe(
      '+label: needs a value, e.g. +label:bug\nUsage: `/hookhub subscribe <target> [features] [filters], e.g. subscribe acme/api issues pulls +label:bug -author:dependabot[bot]`\nTry `/hookhub help`.',
    );
  });

  it('caps the subscriptions of one channel; updating one at the cap, and other channels, still work', async () => {
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_CHANNEL; i++) await run(`subscribe acme/repo${i} pulls`);
    const refused = await run('subscribe acme/one-too-many');
    expect(refused.visibility).toBe('ephemeral');
    expect(refused.text).toBe(
      `This channel already has ${MAX_SUBSCRIPTIONS_PER_CHANNEL} subscriptions, the most one channel may have. Unsubscribe from one first (\`/hookhub list\` shows them), or subscribe to a whole owner with owner/*.`,
    );
    expect(await deps.store.get(subscriptionId(request('').channel, { provider: 'github', path: 'acme/one-too-many' }))).toBeUndefined();
    expect((await run('subscribe acme/repo0 issues')).text).toMatch(/^Updated this channel to acme\/repo0: pulls, issues/);
    expect((await run('subscribe acme/one-too-many', undefined, 'C2')).text).toMatch(/^Subscribed this channel/);
  });

  it('warns at subscribe time about filters none of the features can apply', async () => {
    expect(await run('subscribe acme/api commits releases +label:bug')).toEqual({
      visibility: 'channel',
      text: 'Subscribed this channel to acme/api: commits, releases · +label:bug (by @ana).\n:warning: label filters do nothing for commits, releases: they apply to issues, pulls, reviews, comments',
    });
    expect((await run('subscribe gitlab:platform/api releases branch:main')).text).toContain(
      ':warning: branch: does nothing for releases: it applies to pulls, commits, deployments, workflows',
    );
    expect((await run('subscribe acme/web pulls commits +label:bug branch:main')).text).not.toContain(':warning:');
  });

  it('warns at subscribe time when nothing could reach the channel', async () => {
    deps.settings = SubscriptionsConfigSchema.parse({ allow: { users: ['*'] } });
    expect((await run('subscribe acme/api')).text).toContain(':warning: hookhub cannot post here yet: set `subscriptions.slack.botToken`');
  });
});
