/** What the worker tells an action about earlier runs of its job (ActionContext.mayHaveRun), on both buses. */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Action, ActionContext } from '../../src/actions/action.ts';
import { RetryableError } from '../../src/errors.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import { embeddedBackend, eventually, makeJob, natsBackend, publishJob, startWorker, useDeliveryFixture } from './delivery-harness.ts';

const natsServer = useNatsServer();

/** Writes down `mayHaveRun` for each attempt, then does what `behave` says for that attempt (1-based). */
function probe(behave: (n: number, ctx: ActionContext) => Promise<void>) {
  const seen: boolean[] = [];
  const action: Action = {
    type: 'probe',
    paramsSchema: z.object({}),
    destination: () => 'probe',
    async execute(_params, ctx) {
      seen.push(ctx.mayHaveRun);
      await behave(seen.length, ctx);
      return { label: 'done' };
    },
  };
  return { seen, registry: { probe: action } };
}

describe.each([embeddedBackend, natsBackend(() => natsServer().url)])('mayHaveRun on the $name bus', (backend) => {
  const fx = useDeliveryFixture(backend);

  it('is false on the first attempt of a fresh job and true on its retry', async () => {
    const { seen, registry } = probe((n) => (n === 1 ? Promise.reject(new RetryableError('later')) : Promise.resolve()));
    fx.workers.push(startWorker(fx.handle.bus, { registry }));
    await publishJob(fx.handle.bus, makeJob('probe', {}));
    await eventually(() => seen.length === 2, 'the retry');
    expect(seen).toEqual([false, true]);
  });

  it('is true on a redelivery after a worker died in the middle of the first attempt (no attempt recorded)', async () => {
    const { seen, registry } = probe((n, ctx) =>
      n === 1
        ? new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('stopped'))))
        : Promise.resolve(),
    );
    const doomed = startWorker(fx.handle.bus, { registry, options: { ackWaitMs: 1_000, attemptTimeoutMs: 10_000 } });
    await publishJob(fx.handle.bus, makeJob('probe', {}));
    await eventually(() => seen.length === 1, 'first attempt in flight');
    // The process "dies": its bus connection goes away under it, nothing is acked, recorded or nak'ed.
    await fx.handle.reopen();
    fx.workers.push(startWorker(fx.handle.bus, { registry, options: { ackWaitMs: 1_000 } }));
    await eventually(() => seen.length === 2, 'redelivery after the ack wait', 15_000);
    expect(seen).toEqual([false, true]);
    await doomed.stop(0).catch(() => undefined);
  });
});
