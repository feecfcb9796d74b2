import type { ActionDeps, ActionResult, Job } from '../action.ts';

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
  post(params: P, prepared: PreparedPost, job: Job, deps: ActionDeps): Promise<ActionResult>;
}
