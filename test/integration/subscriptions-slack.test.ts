import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import {
  sendPullRequest,
  sendSlashCommand,
  startFakeSlack,
  subscriptionsHubConfig,
  type FakeSlack,
  type SlackCall,
} from './subscriptions-harness.ts';
import { stringContaining } from '../helpers/matchers.ts';

const posts = (slack: FakeSlack) => slack.calls.filter((c) => c.path === '/api/chat.postMessage');
const titleOf = (call: SlackCall) => String(call.body.text);

function describeSubscriptions(name: string, busYaml: () => string) {
  describe(`chat subscriptions from Slack (${name} bus)`, () => {
    let slack: FakeSlack;
    let hub: RunningHub;

    beforeAll(async () => {
      slack = await startFakeSlack();
      hub = await startHub({ config: subscriptionsHubConfig(busYaml(), slack.url), logger: silentLogger });
    });
    afterAll(async () => {
      await hub?.stop();
      slack?.close();
    });

    /** Sends a command, checks the immediate empty 200, and returns the reply posted to its response_url. */
    async function command(text: string, user?: { id: string; name: string }) {
      const sent = await sendSlashCommand(hub.port, slack.url, text, user);
      expect(sent).toMatchObject({ status: 200, body: '' });
      const reply = await eventually(() => slack.calls.find((c) => c.path === sent.responsePath), 15_000, `the reply to "${text}"`);
      return reply!.body as { response_type: string; text: string };
    }

    it('subscribes from a signed slash command and delivers a matching PR, but not an excluded label', async () => {
      const reply = await command('subscribe acme/api issues pulls -label:dependencies');
      expect(reply).toEqual({
        response_type: 'in_channel',
        text: 'Subscribed this channel to acme/api: issues, pulls · -label:dependencies (by @ana).',
      });

      await sendPullRequest(hub.port, { number: 7, labels: ['dependencies'], author: 'dependabot[bot]' });
      await sendPullRequest(hub.port, { number: 42, labels: ['bug'] });
      const post = (await eventually(() => (posts(slack).length > 0 ? posts(slack) : undefined), 15_000, 'the PR message'))![0];
      expect(post?.authorization).toBe('Bearer xoxb-test-token');
      expect(post?.body).toMatchObject({ channel: 'C_ENG', text: 'PR #42 Change 42' });
      expect(JSON.stringify(post?.body.attachments)).toContain('<https://github.com/acme/api/pull/42|PR #42 Change 42>');
      await new Promise((r) => setTimeout(r, 700));
      expect(posts(slack).map(titleOf)).toEqual(['PR #42 Change 42']);
    });

    it('threads follow-ups under the PR and updates the parent when it is merged', async () => {
      const parentTs = await eventually(
        async () => {
          const parent = posts(slack).find((c) => c.body.text === 'PR #42 Change 42');
          return parent ? (await hub.bus.kv('chat-threads').entries<{ id?: string }>())[0]?.value.id : undefined;
        },
        10_000,
        'the stored parent ts',
      );
      await sendPullRequest(hub.port, { number: 42, labels: ['bug'], event: 'pull_request_review', action: 'submitted' });
      // reviews are not subscribed: nothing. Subscribe to them too, then review again.
      await command('subscribe acme/api reviews');
      await sendPullRequest(hub.port, { number: 42, labels: ['bug'], event: 'pull_request_review', action: 'submitted' });
      const review = await eventually(() => posts(slack).find((c) => c.body.thread_ts !== undefined), 15_000, 'the threaded review');
      expect(review!.body).toMatchObject({ channel: 'C_ENG', thread_ts: parentTs, text: 'carla approved: Looks good' });

      await sendPullRequest(hub.port, { number: 42, labels: ['bug'], action: 'closed', merged: true, author: 'ben' });
      const update = await eventually(() => slack.calls.find((c) => c.path === '/api/chat.update'), 15_000, 'the parent update');
      expect(update!.body).toMatchObject({ channel: 'C_ENG', ts: parentTs });
      expect(JSON.stringify(update!.body.attachments)).toContain('merged');
      const merged = await eventually(
        () => posts(slack).find((c) => c.body.text === 'ben merged the pull request'),
        15_000,
        'the merge reply',
      );
      expect(merged!.body.thread_ts).toBe(parentTs);
    });

    it('lists, refuses a user the config does not allow, and unsubscribes', async () => {
      expect(await command('list')).toEqual({
        response_type: 'ephemeral',
        text: 'This channel is subscribed to:\n• acme/api: issues, pulls, reviews · -label:dependencies',
      });
      const refused = await command('unsubscribe acme/api', { id: 'U_BOB', name: 'bob' });
      expect(refused.response_type).toBe('ephemeral');
      expect(refused.text).toContain('Sorry @bob, you may not change subscriptions in #eng');
      expect(await command('subscribe acme/api pull')).toMatchObject({
        response_type: 'ephemeral',
        text: stringContaining('(did you mean "pulls"?)'),
      });
      expect(await command('unsubscribe acme/api')).toEqual({
        response_type: 'in_channel',
        text: 'Unsubscribed this channel from acme/api (by @ana).',
      });
      expect((await command('list')).text).toContain('This channel has no subscriptions.');
      const before = posts(slack).length;
      await sendPullRequest(hub.port, { number: 43, labels: ['bug'] });
      await new Promise((r) => setTimeout(r, 700));
      expect(posts(slack)).toHaveLength(before);
    });
  });
}

describeSubscriptions('embedded', () => '{ type: embedded, path: ./data/hookhub.db }');

const nats = useNatsServer();
describeSubscriptions('nats', () => `{ type: nats, url: "${nats().url}" }`);
