import type { ActionDeps, ActionResult, Job } from '../action.ts';
import { callProvider, joinUrl } from '../runtime/provider-response.ts';
import type { CiParamsOf } from './ci-params.ts';

type Deps = Pick<ActionDeps, 'fetch' | 'now' | 'signal'>;

/**
 * POST /api/v2/project/{project-slug}/pipeline with a personal API token in `Circle-Token`.
 * Answers 201 `{ id, state, number, created_at }`. https://circleci.com/docs/api/v2/#operation/triggerPipeline
 */
export async function triggerCircleci(params: CiParamsOf<'circleci'>, _job: Job, deps: Deps): Promise<ActionResult> {
  // The slug's slashes are path separators in CircleCI's API; each part is encoded on its own.
  const slug = params.project.split('/').map(encodeURIComponent).join('/');
  const body = {
    ...(params.branch ? { branch: params.branch } : {}),
    ...(params.tag ? { tag: params.tag } : {}),
    ...(params.parameters ? { parameters: params.parameters } : {}),
  };
  return callProvider(
    deps,
    {
      url: joinUrl(params.url, `/api/v2/project/${slug}/pipeline`),
      headers: { 'circle-token': params.token, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    },
    { provider: 'CircleCI' },
  );
}
