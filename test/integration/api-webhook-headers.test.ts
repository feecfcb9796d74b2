/**
 * A webhook action's `headers` are where a destination's credential goes under a name no pattern
 * can guess (`X-Honeycomb-Team`, `X-Hub-Key`, `Circle-Token`…): viewers see the values of plain
 * transport and event headers only, and the length of every other one, on every API path that
 * shows rendered params.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { bearer, prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

const SECRETS = ['hc-team-s3cret-value', 'hub-k3y-s3cret-value'];
const rule = (url: string) => `rules:
  - name: to-collector
    on: ["github.**"]
    do:
      - webhook:
          url: "${url}/collect"
          headers:
            X-Honeycomb-Team: hc-team-s3cret-value
            X-Hub-Key: hub-k3y-s3cret-value
            Content-Type: application/json
            X-GitHub-Event: "{{data.action}}"
          body: { text: "{{type}} {{subject}}" }
`;

let hub: ApiHub;

async function asViewer(path: string, body?: unknown): Promise<string> {
  const res = await fetch(`${hub.base}${path}`, {
    ...(body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }),
    headers: { ...bearer(VIEWER_TOKEN), 'content-type': 'application/json' },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  return text;
}

const shown = ['"X-Honeycomb-Team":"[redacted, 20 chars]"', '"X-Hub-Key":"[redacted, 20 chars]"', '"Content-Type":"application/json"'];

beforeAll(async () => {
  hub = await startApiHub({ rules: rule });
  expect((await hub.sendGithub('pull_request', prPayload(1), 'hdr-1')).status).toBe(202);
  await eventually(() => hub.sink.requests.length === 1, 10_000, 'the webhook to be delivered');
});
afterAll(() => hub.stop());

describe("a webhook action's headers, as a viewer sees them", () => {
  it('are sent whole', () => {
    expect(hub.sink.requests[0]?.headers['x-honeycomb-team']).toBe('hc-team-s3cret-value');
    expect(hub.sink.requests[0]?.headers['x-hub-key']).toBe('hub-k3y-s3cret-value');
  });

  it('show transport and event headers, and only the length of the others, on the event page and its jobs', async () => {
    await eventually(async () => (await asViewer('/api/events/hdr-1')).includes('"state":"delivered"'), 10_000, 'the job record');
    for (const path of ['/api/events/hdr-1', '/api/events/hdr-1/jobs']) {
      const text = await asViewer(path);
      for (const part of [...shown, '"X-GitHub-Event":"opened"']) expect(text).toContain(part);
    }
  });

  it('are masked in a dry-run replay', async () => {
    const text = await asViewer('/api/events/hdr-1/replay', { dryRun: true });
    for (const part of shown) expect(text).toContain(part);
  });
});
