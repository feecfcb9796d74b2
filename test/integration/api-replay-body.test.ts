import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer, prPayload, startApiHub, type ApiHub } from './api-harness.ts';

let hub: ApiHub;
const JOB = 'replay-body-1:forward-github:0';

beforeAll(async () => {
  hub = await startApiHub();
  // Refused for good: the job is dead-lettered after its first attempt.
  hub.sink.reply = () => ({ status: 400, body: 'bad channel config' });
  expect((await hub.sendGithub('pull_request', prPayload(1), 'replay-body-1')).status).toBe(202);
  await eventually(() => hub.bus.getDeadLetter(JOB), 10_000, 'the job to be dead-lettered');
});
afterAll(() => hub.stop());

const replay = async (body: unknown) => {
  const res = await fetch(`${hub.base}/api/events/replay-body-1/replay`, {
    method: 'POST',
    headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: string } };
};

describe('an admin asking for a dry run in a form the API does not take', () => {
  it('is refused with 400 and replays nothing, rather than read as a real replay', async () => {
    const asString = await replay({ dryRun: 'true' });
    expect(asString.status).toBe(400);
    expect(asString.body.error).toMatch(/dryRun must be true or false/);

    const misspelt = await replay({ dry_run: true });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.error).toMatch(/unknown field "dry_run".*\{"dryRun": true\}/);

    // Still dead-lettered, attempted once: no replay took it or sent it again.
    expect(await hub.bus.getDeadLetter(JOB)).toBeDefined();
    expect(hub.sink.requests).toHaveLength(1);
    expect((await replay({ dryRun: true })).status).toBe(200);
  });
});
