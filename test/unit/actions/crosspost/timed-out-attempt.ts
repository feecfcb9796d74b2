import { expect } from 'vitest';
import type { Job } from '../../../../src/actions/action.ts';
import type { CrosspostParams } from '../../../../src/actions/crosspost/crosspost-params.ts';
import { crosspostAction } from '../../../../src/actions/crosspost/index.ts';
import { actionContext } from '../../../helpers/action-context.ts';
import { testDeps, type FakeReply } from '../ci/fake-api.ts';

/** A first attempt whose destination acts on it but holds its answer past the attempt's deadline. */
export async function timedOutAttempt(state: { hold?: () => Promise<FakeReply> }, parsed: CrosspostParams, job: Job): Promise<void> {
  const attempt = new AbortController();
  state.hold = () => {
    attempt.abort(new DOMException('attempt timed out', 'TimeoutError'));
    return new Promise<FakeReply>(() => undefined);
  };
  const timedOut = crosspostAction.execute(parsed, actionContext(job, { ...testDeps(), signal: attempt.signal }));
  await expect(timedOut).rejects.toThrow(/timed out|aborted/);
}
