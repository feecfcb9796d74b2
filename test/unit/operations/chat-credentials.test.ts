import { describe, expect, it } from 'vitest';
import { slackConnector } from '../../../connectors/slack/index.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { loadEventDetail } from '../../../src/operations/event-detail.ts';
import { eventView } from '../../../src/operations/event-view.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';

const NOW = new Date('2024-05-14T12:00:00Z');
const ctx = connectorContext(slackConnector, { type: 'slack', secret: 'slack-signing' }, NOW, 'slack');
const handle = async (body: Buffer) =>
  (await slackConnector.handle(signedRequest(slackConnector, ctx, body, { id: '', event: '' }), ctx)).events[0];

describe("Slack's legacy verification token is dropped at normalization", () => {
  it('from slash commands, interactions and Events API envelopes', async () => {
    for (const fixture of ['slash_command.form', 'block_actions.form', 'app_mention.json']) {
      const body = loadFixture('slack', fixture);
      expect(body.toString()).toMatch(/token/);
      const event = await handle(body);
      expect(event?.data).not.toHaveProperty('token');
    }
    const command = await handle(
      Buffer.from(
        'command=%2Fhookhub&text=list&token=gIkuvaNzQIHg97ATvDxqgjtO&channel_id=C1&user_id=U1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx',
      ),
    );
    expect(JSON.stringify(command)).not.toContain('gIkuvaNzQIHg97ATvDxqgjtO');
    // What the hub needs to answer stays.
    expect(command?.data).toMatchObject({ response_url: 'https://hooks.slack.com/commands/T1/1/x', text: 'list' });
  });
});

const RESPONSE_URL = 'https://hooks.slack.com/commands/T1/1/secret-path';

describe('chat credentials are masked in what viewers see', () => {
  const slack = createHubEvent({
    id: 's-1',
    type: 'slack.command.hookhub',
    connector: 'slack',
    data: { text: 'list', response_url: 'https://hooks.slack.com/commands/T1/1/secret-path' },
  });
  const discord = createHubEvent({
    id: '1180000000000000001',
    type: 'discord.interaction.application_command',
    connector: 'discord',
    data: {
      application_id: '42',
      token: 'aW50ZXJhY3Rpb246MTE4MDAwMDAwMDAwMDAwMDAwMTpzZWNyZXQ',
      channel_id: '9',
      data: { name: 'hookhub' },
    },
  });
  const interaction = createHubEvent({
    id: 's-2',
    type: 'slack.block_actions',
    connector: 'slack',
    data: { response_urls: [{ channel_id: 'C1', response_url: 'https://hooks.slack.com/app/T1/2/xyz' }] },
  });

  it('masks response URLs and interaction tokens, keeping everything else and the stored event intact', () => {
    expect(eventView(slack).data).toEqual({
      text: 'list',
      response_url: `[redacted, ${'https://hooks.slack.com/commands/T1/1/secret-path'.length} chars]`,
    });
    expect(eventView(discord).data).toMatchObject({ application_id: '42', data: { name: 'hookhub' } });
    expect((eventView(discord).data as { token: string }).token).toMatch(/^\[redacted/);
    expect(JSON.stringify(eventView(interaction))).not.toContain('hooks.slack.com');
    expect(discord.data).toHaveProperty('token', 'aW50ZXJhY3Rpb246MTE4MDAwMDAwMDAwMDAwMDAwMTpzZWNyZXQ');
  });

  it('in the event detail that the API and `hookhub events show` print', async () => {
    const bus = await openTempEmbeddedBus();
    try {
      for (const e of [slack, discord]) await bus.publish('events', { id: e.id, subject: e.type, payload: e });
      const shown = JSON.stringify([await loadEventDetail(bus, 's-1'), await loadEventDetail(bus, discord.id)]);
      expect(shown).not.toContain('secret-path');
      expect(shown).not.toContain('aW50ZXJhY3Rpb24');
      expect(shown).toContain('"application_id":"42"');
    } finally {
      await bus.close();
    }
  });

  it('in rendered job params too, where a rule put the whole payload into a string', async () => {
    const bus = await openTempEmbeddedBus();
    try {
      await bus.publish('events', { id: slack.id, subject: slack.type, payload: slack });
      const jobId = `${slack.id}:forward:0`;
      const params = { url: 'https://ops.example/hook', body: { raw: JSON.stringify(slack.data) }, note: `reply to ${RESPONSE_URL}` };
      await bus.publish('jobs', { id: jobId, subject: 'webhook', payload: { id: jobId, eventId: slack.id, action: 'webhook', params } });
      await bus.record({
        ref: slack.id,
        kind: 'rule',
        time: NOW.toISOString(),
        data: { rule: 'forward', outcome: 'matched', jobs: [jobId] },
      });
      const detail = await loadEventDetail(bus, slack.id);
      const shown = JSON.stringify(detail?.jobs);
      expect(shown).toContain('ops.example');
      expect(shown).toContain('\\"text\\":\\"list\\"');
      expect(shown).not.toContain('secret-path');
      expect(shown).toContain(`reply to [redacted, ${RESPONSE_URL.length} chars]`);
    } finally {
      await bus.close();
    }
  });
});
