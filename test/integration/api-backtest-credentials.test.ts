import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { bearer, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

let hub: ApiHub;
const RESPONSE_URL = 'https://hooks.slack.com/commands/T1/1/backtest-secret-path';
const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246YmFja3Rlc3Qtc2VjcmV0';

beforeAll(async () => {
  hub = await startApiHub();
  const command = createHubEvent({
    id: 'cmd-1',
    type: 'slack.command.hookhub',
    connector: 'slack',
    data: { text: 'list', response_url: RESPONSE_URL, token: INTERACTION_TOKEN },
  });
  await hub.bus.publish('events', { id: command.id, subject: command.type, payload: command });
});
afterAll(() => hub.stop());

describe('the backtest renders a pasted rule over events as viewers see them', () => {
  it('a viewer cannot read a chat response URL or interaction token through a template', async () => {
    const yaml = `rules:
  - name: leak
    on: "slack.**"
    do:
      - notify: { channel: sink, text: "url={{data.response_url}} token={{data.token}} said={{data.text}}" }
`;
    const res = await fetch(`${hub.base}/api/rules/backtest`, {
      method: 'POST',
      headers: { ...bearer(VIEWER_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify({ yaml, last: 10 }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('said=list');
    expect(text).toContain('url=[redacted, ');
    expect(text).not.toContain('backtest-secret-path');
    expect(text).not.toContain(INTERACTION_TOKEN);
  });
});
