/**
 * What a rule file takes from the environment (`${VAR}`) is sent as written, and viewers never see it,
 * whatever the param is called: a PagerDuty `routing_key` in a webhook body, a Jenkins parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { bearer, prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

const ROUTING_KEY = 'R0utingKeyFromTheEnv42';
const vars = { PD_ROUTING_KEY: ROUTING_KEY, TEAM: 'eng' };
const rule = (url: string) => `rules:
  - name: page
    on: ["github.**"]
    do:
      - webhook:
          url: "${url}/v2/enqueue"
          body: { routing_key: "\${PD_ROUTING_KEY}", note: "key \${PD_ROUTING_KEY} for {{subject}}", team: "\${TEAM}" }
`;
const MASK = `[redacted, ${ROUTING_KEY.length} chars]`;

let hub: ApiHub;

async function asViewer(path: string, body?: unknown): Promise<string> {
  const res = await fetch(`${hub.base}${path}`, {
    ...(body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }),
    headers: { ...bearer(VIEWER_TOKEN), 'content-type': 'application/json' },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text).not.toContain(ROUTING_KEY);
  return text;
}

beforeAll(async () => {
  hub = await startApiHub({ rules: rule, vars });
  expect((await hub.sendGithub('pull_request', prPayload(7), 'env-1')).status).toBe(202);
  await eventually(() => hub.sink.requests.length === 1, 10_000, 'the webhook to be delivered');
});
afterAll(() => hub.stop());

describe('rule params from the environment, as a viewer sees them', () => {
  it('are sent whole', () => {
    expect(JSON.parse(hub.sink.requests[0]?.body ?? '{}')).toEqual({
      routing_key: ROUTING_KEY,
      note: `key ${ROUTING_KEY} for acme/api#7`,
      team: 'eng',
    });
  });

  it('are masked wherever they appear on the event page and its jobs; short values are left alone', async () => {
    await eventually(async () => (await asViewer('/api/events/env-1')).includes('"state":"delivered"'), 10_000, 'the job record');
    for (const path of ['/api/events/env-1', '/api/events/env-1/jobs']) {
      const text = await asViewer(path);
      expect(text).toContain(`"routing_key":"${MASK}"`);
      expect(text).toContain(`"note":"key ${MASK} for acme/api#7"`);
      expect(text).toContain('"team":"eng"');
    }
  });

  it('are masked in a dry-run replay', async () => {
    const text = await asViewer('/api/events/env-1/replay', { dryRun: true });
    expect(text).toContain(`"routing_key":"${MASK}"`);
  });
});
