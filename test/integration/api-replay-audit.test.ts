import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer, prPayload, startApiHub, VIEWER_TOKEN, type ApiHub } from './api-harness.ts';
import { anyString, objectContaining } from '../helpers/matchers.ts';
import type { EventHistory } from '../../src/operations/event-status.ts';

let hub: ApiHub;
const EVENT = 'audit-1';
const JOB = `${EVENT}:forward-github:0`;

beforeAll(async () => {
  hub = await startApiHub();
  // Refused for good: each cycle of the job is dead-lettered after its first attempt.
  hub.sink.reply = () => ({ status: 400, body: 'bad channel config' });
  expect((await hub.sendGithub('pull_request', prPayload(1), EVENT)).status).toBe(202);
  await eventually(() => hub.bus.getDeadLetter(JOB), 10_000, 'the job to be dead-lettered');
});
afterAll(() => hub.stop());

const adminPost = (path: string) =>
  fetch(`${hub.base}${path}`, { method: 'POST', headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' }, body: '{}' });
const jobs = async () =>
  (await (await fetch(`${hub.base}/api/events/${EVENT}/jobs`, { headers: bearer(VIEWER_TOKEN) })).json()) as EventHistory;

describe('who sent a job again', () => {
  it('is kept for a dead-letter retry and an event replay, and viewers see it on the job and the rule outcome', async () => {
    expect((await adminPost(`/api/dlq/${encodeURIComponent(JOB)}/retry`)).status).toBe(202);
    await eventually(async () => (await jobs()).jobs[0]?.state === 'dead' || undefined, 10_000, 'the retried job to fail again');
    expect((await adminPost(`/api/events/${EVENT}/replay`)).status).toBe(202);

    const history = await jobs();
    expect(history.jobs[0]?.replayedBy).toEqual([
      { time: anyString(), by: 'alice' },
      { time: anyString(), by: 'alice' },
    ]);
    expect(history.rules).toContainEqual(objectContaining({ rule: 'forward-github', replay: true, by: 'alice' }));
  });
});
