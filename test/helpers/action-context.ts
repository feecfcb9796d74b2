import type { ActionContext, ActionDeps, Job } from '../../src/actions/action.ts';
import type { HubEvent } from '../../src/events/hub-event.ts';
import { silentLogger } from './hub-fixtures.ts';

/**
 * What the worker hands an action for one attempt, from a test's deps (and the job's event, when the
 * test has one): a fresh job's first attempt; spread `mayHaveRun: true` over it for a retry or a replay.
 */
export function actionContext(job: Job, deps: ActionDeps, event?: HubEvent): ActionContext {
  return { ...deps, job, log: silentLogger, event: () => Promise.resolve(event), mayHaveRun: false };
}
