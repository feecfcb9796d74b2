import type { ActionDeps, ActionResult, Job } from '../action.ts';
import { callProvider, joinUrl } from '../runtime/provider-response.ts';
import type { CiParamsOf } from './ci-params.ts';

type Deps = Pick<ActionDeps, 'fetch' | 'now' | 'signal'>;

/**
 * POST /api/v4/projects/:id/trigger/pipeline as a form (token in the body, never in the URL,
 * which proxies log). Answers 201 with the pipeline. https://docs.gitlab.com/api/pipeline_triggers/
 */
export async function triggerGitlab(params: CiParamsOf<'gitlab'>, _job: Job, deps: Deps): Promise<ActionResult> {
  const form = new URLSearchParams({ token: params.token, ref: params.ref });
  for (const [key, value] of Object.entries(params.variables ?? {})) form.append(`variables[${key}]`, String(value));
  for (const [key, value] of Object.entries(params.inputs ?? {})) form.append(`inputs[${key}]`, String(value));
  const project = encodeURIComponent(String(params.project));
  return callProvider(
    deps,
    {
      url: joinUrl(params.url, `/api/v4/projects/${project}/trigger/pipeline`),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    },
    { provider: 'GitLab' },
  );
}
