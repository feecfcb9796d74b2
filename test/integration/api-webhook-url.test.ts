/**
 * A webhook action's rendered `url` often carries its credential (a Slack incoming webhook's path,
 * Discord's token, `?token=`, user:password@): viewers see where it goes, scheme, host and port, and
 * only the length of the rest, on every API path that shows rendered params.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { bearer, prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';

const REST = 'services/T0001/B0002/XyZs3cretW3bhookPath?token=qu3ryS3cret';
const USERINFO = 'hookuser:hookpass@';
const SECRETS = ['XyZs3cretW3bhookPath', 'qu3ryS3cret', 'hookpass', 'hookuser'];
const rule = (...urls: string[]) => `rules:
  - name: to-slack
    on: ["github.**"]
    do:
${urls.map((url) => `      - webhook: { url: "${url}", body: { text: "{{type}} {{subject}}" } }`).join('\n')}
`;

let hub: ApiHub;
let origin = '';
const withUserinfo = () => `${origin.replace('http://', `http://${USERINFO}`)}/${REST}`;
const masked = (rest: string) => `"url":"${origin}/[redacted, ${rest.length} chars]"`;

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

beforeAll(async () => {
  hub = await startApiHub({
    rules: (sinkUrl) => {
      origin = sinkUrl;
      return rule(`${sinkUrl}/${REST}`, withUserinfo());
    },
  });
  // Refused: both jobs are dead-lettered, so the dead letters and the attempts are shown too.
  hub.sink.reply = () => ({ status: 400 });
  expect((await hub.sendGithub('pull_request', prPayload(1), 'wh-1')).status).toBe(202);
  await eventually(async () => (await asViewer('/api/dlq')).includes('"total":2'), 10_000, 'both jobs to be dead-lettered');
});
afterAll(() => hub.stop());

describe('a webhook url, as a viewer sees it', () => {
  it('is sent whole, and shown by its origin on the event page, its jobs and the dead letters', async () => {
    expect(hub.sink.requests.map((r) => r.path)).toContain(`/${REST}`);
    for (const path of ['/api/events/wh-1/jobs', '/api/events/wh-1']) {
      const text = await asViewer(path);
      expect(text).toContain(masked(REST));
      expect(text).toContain(masked(`${USERINFO}${REST}`));
    }
  });

  it('is shown by its origin in a dry-run replay', async () => {
    const text = await asViewer('/api/events/wh-1/replay', { dryRun: true });
    // Once per job and once in the match report.
    expect(text.split(masked(REST))).toHaveLength(3);
  });

  it('is shown by its origin in a backtest', async () => {
    const text = await asViewer('/api/rules/backtest', { yaml: rule(withUserinfo()), last: 10 });
    expect(text).toContain('"hits"');
    expect(text).toContain(masked(`${USERINFO}${REST}`));
  });
});
