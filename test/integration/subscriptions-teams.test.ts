import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type RunningHub } from '../../src/hub.ts';
import { eventually, silentLogger } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { sendPullRequest, sendSlashCommand, startFakeSlack, subscriptionsHubConfig, type FakeSlack } from './subscriptions-harness.ts';

// The harness's commands come from Slack team T1, whose user U0ANA may change subscriptions.
const ANOTHER_TENANT_ONLY = '  teams: { "slack:T9": "*" }\n';

function describeTeams(name: string, busYaml: () => string) {
  describe(`subscriptions.teams (${name} bus)`, () => {
    let slack: FakeSlack;
    let hub: RunningHub;
    beforeAll(async () => {
      slack = await startFakeSlack();
      hub = await startHub({ config: subscriptionsHubConfig(busYaml(), slack.url, ANOTHER_TENANT_ONLY), logger: silentLogger });
    });
    afterAll(async () => {
      await hub?.stop();
      slack?.close();
    });

    it('a workspace the config does not list may not subscribe, even a user the allow list names, and gets no events', async () => {
      const sent = await sendSlashCommand(hub.port, slack.url, 'subscribe acme/api pulls');
      expect(sent).toMatchObject({ status: 200, body: '' });
      const reply = await eventually(() => slack.calls.find((c) => c.path === sent.responsePath), 15_000, 'the reply');
      expect(reply?.body).toEqual({
        response_type: 'ephemeral',
        text: "Not subscribed to acme/api: this Slack team (slack:T1) is not among subscriptions.teams in hookhub.yaml, so it may not subscribe to events; an admin can add `slack:T1` with the connectors it may see (or '*').",
      });
      expect(await sendPullRequest(hub.port, { number: 5 })).toBe(202);
      await new Promise((r) => setTimeout(r, 700));
      expect(slack.calls.filter((c) => c.path === '/api/chat.postMessage')).toEqual([]);
    });
  });
}

describeTeams('embedded', () => '{ type: embedded, path: ./data/hookhub.db }');

const nats = useNatsServer();
describeTeams('nats', () => `{ type: nats, url: "${nats().url}" }`);
