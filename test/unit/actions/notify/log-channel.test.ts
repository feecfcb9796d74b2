import { describe, expect, it } from 'vitest';
import type { ActionDeps, Job } from '../../../../src/actions/action.ts';
import { notifyAction } from '../../../../src/actions/notify/index.ts';
import { actionContext } from '../../../helpers/action-context.ts';

const job: Job = {
  id: 'e1:r:0',
  eventId: 'e1',
  eventType: 'github.push',
  rule: 'r',
  index: 0,
  action: 'notify',
  params: {},
  createdAt: new Date(0).toISOString(),
};

describe('notify to a log channel', () => {
  it('records the rendered message as the attempt response and calls nothing', async () => {
    const deps = {
      fetch: () => Promise.reject(new Error('a log channel must not make HTTP calls')),
      now: () => new Date(0),
      channels: { dev: { type: 'log' } },
      signal: new AbortController().signal,
    } as unknown as ActionDeps;
    const params = notifyAction.paramsSchema.parse({
      channel: 'dev',
      title: 'PR opened',
      text: 'Fix retries by ana',
      url: 'https://github.com/acme/api/pull/1',
    });
    const result = await notifyAction.execute(params, actionContext(job, deps));
    expect(result).toEqual({ label: 'logged', response: 'PR opened\nFix retries by ana\nhttps://github.com/acme/api/pull/1' });
  });
});
