import type { ActionDeps, ActionResult, Job } from '../action.ts';
import { callProvider, joinUrl } from '../runtime/provider-response.ts';
import type { CiParamsOf } from './ci-params.ts';
import { githubRateLimitDelay } from './github-rate-limit.ts';

type Deps = Pick<ActionDeps, 'fetch' | 'now' | 'signal'>;

/**
 * workflow_dispatch or repository_dispatch. Both answer 204 No Content on success.
 * Headers as documented: https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api
 */
export async function triggerGithub(params: CiParamsOf<'github'>, _job: Job, deps: Deps): Promise<ActionResult> {
  const repo = `/repos/${encodeURIComponent(params.owner)}/${encodeURIComponent(params.repo)}`;
  const dispatch =
    params.workflow !== undefined
      ? {
          path: `${repo}/actions/workflows/${encodeURIComponent(String(params.workflow))}/dispatches`,
          body: { ref: params.ref, ...(params.inputs ? { inputs: params.inputs } : {}) },
        }
      : {
          path: `${repo}/dispatches`,
          body: { event_type: params.eventType, ...(params.clientPayload ? { client_payload: params.clientPayload } : {}) },
        };
  const result = await callProvider(
    deps,
    {
      url: joinUrl(params.api, dispatch.path),
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${params.token}`,
        'x-github-api-version': '2022-11-28',
        'content-type': 'application/json',
      },
      body: JSON.stringify(dispatch.body),
    },
    { provider: 'GitHub', rateLimitDelay: githubRateLimitDelay },
  );
  const what = params.workflow !== undefined ? `workflow ${params.workflow} on ${params.ref}` : `repository_dispatch ${params.eventType}`;
  return { ...result, response: result.response || `dispatched ${what} in ${params.owner}/${params.repo}` };
}
