import type { ActionContext, ActionDeps, ActionResult, Job } from '../action.ts';

/** What a platform will post, without secrets: shown in dry runs and approval requests. */
export interface PreparedPost {
  /** The final text as it will appear. */
  text: string;
  /** The platform request body (minus credentials). */
  payload: Record<string, unknown>;
}

/** One social platform: fit the text, then post it. */
export interface Platform<P> {
  readonly name: string;
  prepare(params: P, job: Job): PreparedPost;
  /** `deps.mayHaveRun`: whether an earlier run of the job may have posted already (ActionContext). */
  post(params: P, prepared: PreparedPost, job: Job, deps: ActionDeps & Pick<ActionContext, 'mayHaveRun' | 'log'>): Promise<ActionResult>;
}

/**
 * A time that stays the same for a job across retries and replays (a replay plans the job again,
 * with a new `createdAt`): the event's time, or `createdAt` for jobs planned before jobs carried it.
 */
export function stableTime(job: Job): string {
  return job.eventTime !== undefined && Number.isFinite(Date.parse(job.eventTime)) ? job.eventTime : job.createdAt;
}

/** Room for the clocks of the event's provider, the hub and the platform to differ. */
const CLOCK_SKEW_MS = 3_600_000;

/**
 * Where a search for a post an earlier run of the job made starts (ms since the epoch): the earlier
 * of the event's time and `createdAt` (a replay moves createdAt later; an event's own time may be
 * ahead of the hub's clock), less an hour for clocks that differ.
 */
export function earliestPostTime(job: Job): number {
  return Math.min(Date.parse(stableTime(job)), Date.parse(job.createdAt)) - CLOCK_SKEW_MS;
}
