/**
 * A rate limit met on a source the job reads before posting (a review reminder reading GitHub) holds only
 * that job: it uses no attempt, and the chat destination other jobs post to is not paused. Both buses.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/actions/action.ts';
import { actions } from '../../src/actions/index.ts';
import { RateLimitedError } from '../../src/errors.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import {
  attempts,
  embeddedBackend,
  eventually,
  makeJob,
  natsBackend,
  publishJob,
  startWorker,
  useDeliveryFixture,
} from './delivery-harness.ts';

const natsServer = useNatsServer();

/** Two actions on one chat destination: one meets its source's rate limit (an hour), the other posts to the sink. */
function registry(sinkUrl: () => string) {
  const base = { paramsSchema: z.object({}), destination: () => 'chat:eng' };
  const readsSource: Action<Record<string, never>> = {
    ...base,
    type: 'reads-source',
    execute: () => Promise.reject(new RateLimitedError('GitHub rate limit reading acme/api', 3_600_000, 403, undefined, true)),
  };
  const posts: Action<Record<string, never>> = {
    ...base,
    type: 'posts',
    execute: async (_params, ctx) => {
      const response = await ctx.fetch(`${sinkUrl()}/chat`, { method: 'POST', body: 'hi', signal: ctx.signal });
      return { status: response.status, response: await response.text() };
    },
  };
  return { ...actions, 'reads-source': readsSource, posts } as typeof actions;
}

describe.each([embeddedBackend, natsBackend(() => natsServer().url)])('a job-only rate limit on the $name bus', (backend) => {
  const fx = useDeliveryFixture(backend);

  it('holds its job without an attempt and leaves the shared destination open', async () => {
    fx.sink.reply = () => ({ status: 200, body: 'ok' });
    fx.workers.push(startWorker(fx.handle.bus, { registry: registry(() => fx.sink.url) }));
    const limited = makeJob('reads-source', {});
    await publishJob(fx.handle.bus, limited);
    await eventually(async () => (await attempts(fx.handle.bus, limited.id)).length > 0, 'the rate-limited attempt', 10_000);
    expect((await attempts(fx.handle.bus, limited.id))[0]).toMatchObject({ rateLimited: true });
    await publishJob(fx.handle.bus, makeJob('posts', {}));
    // Paused for the hour, the destination would hold this job too.
    await eventually(() => fx.sink.delivered().some((r) => r.path === '/chat'), 'the other job posted', 10_000);
  });
});
