import type { Action, ActionDeps, ActionResult, Job } from '../action.ts';
import { CiParamsSchema, type CiParams } from './ci-params.ts';
import { triggerCircleci } from './circleci.ts';
import { triggerGithub } from './github.ts';
import { triggerGitlab } from './gitlab.ts';
import { triggerJenkins } from './jenkins.ts';

type Trigger<P extends CiParams> = (params: P, job: Job, deps: ActionDeps) => Promise<ActionResult>;
type Triggers = { [K in CiParams['provider']]: Trigger<Extract<CiParams, { provider: K }>> };

const TRIGGERS: Triggers = {
  github: triggerGithub,
  gitlab: triggerGitlab,
  jenkins: triggerJenkins,
  circleci: triggerCircleci,
};

/** Where a trigger goes, without secrets: one rate limit and breaker per project. */
function destinationOf(params: CiParams): string {
  switch (params.provider) {
    case 'github':
      return `ci:github:${new URL(params.api).host}/${params.owner}/${params.repo}`;
    case 'gitlab':
      return `ci:gitlab:${new URL(params.url).host}/${params.project}`;
    case 'jenkins':
      return `ci:jenkins:${new URL(params.url).host}/${params.job}`;
    case 'circleci':
      return `ci:circleci:${params.project}`;
  }
}

/**
 * `ci`: kick a pipeline on GitHub Actions, GitLab CI, Jenkins or CircleCI. The provider's own
 * error message ends up in the attempt record (and the dead letter) verbatim.
 */
export const ciAction: Action<CiParams> = {
  type: 'ci',
  paramsSchema: CiParamsSchema,
  destinationUrlParams: ['api', 'url'],
  destination: (params) => {
    try {
      return destinationOf(params);
    } catch {
      return `ci:${params.provider}`;
    }
  },
  policy: (params) => params,
  execute(params, ctx) {
    const trigger = TRIGGERS[params.provider] as Trigger<CiParams>;
    return trigger(params, ctx.job, ctx);
  },
};
