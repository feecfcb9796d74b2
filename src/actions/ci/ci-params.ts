import { z } from 'zod';
import { BooleanLikeSchema } from '../../config/units.ts';
import { DestinationPolicyShape } from '../runtime/destination-policy.ts';

const httpUrl = z.url({ protocol: /^https?$/ });
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const secret = z.string().min(1);

/**
 * `ci` with `provider: github`: `workflow` → workflow_dispatch, `eventType` → repository_dispatch.
 * https://docs.github.com/en/rest/actions/workflows#create-a-workflow-dispatch-event
 * https://docs.github.com/en/rest/repos/repos#create-a-repository-dispatch-event
 */
export const GithubCiSchema = z
  .strictObject({
    provider: z.literal('github'),
    /** REST API base; `https://HOST/api/v3` for GitHub Enterprise Server. */
    api: httpUrl.default('https://api.github.com'),
    token: secret,
    owner: z.string().min(1),
    repo: z.string().min(1),
    /** Workflow file name (`deploy.yml`) or numeric id. */
    workflow: z.union([z.string().min(1), z.number().int()]).optional(),
    ref: z.string().min(1).optional(),
    inputs: z.record(z.string(), scalar).optional(),
    eventType: z.string().min(1).max(100).optional(),
    clientPayload: z.record(z.string(), z.unknown()).optional(),
    ...DestinationPolicyShape,
  })
  .superRefine((p, ctx) => {
    if ((p.workflow === undefined) === (p.eventType === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give workflow (workflow_dispatch) or eventType (repository_dispatch), not both or neither',
      });
    }
    if (p.workflow !== undefined && p.ref === undefined)
      ctx.addIssue({ code: 'custom', path: ['ref'], message: 'workflow_dispatch needs ref (a branch or tag)' });
    if (p.workflow !== undefined && p.clientPayload !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['clientPayload'],
        message: 'clientPayload goes with eventType; workflow_dispatch takes inputs',
      });
    if (p.eventType !== undefined && p.inputs !== undefined)
      ctx.addIssue({ code: 'custom', path: ['inputs'], message: 'inputs go with workflow; repository_dispatch takes clientPayload' });
  });

/** https://docs.gitlab.com/ci/triggers/ — POST /projects/:id/trigger/pipeline with a trigger token. */
export const GitlabCiSchema = z.strictObject({
  provider: z.literal('gitlab'),
  url: httpUrl.default('https://gitlab.com'),
  /** Numeric id or `group/project` path. */
  project: z.union([z.string().min(1), z.number().int()]),
  ref: z.string().min(1),
  /** A pipeline trigger token (glptt-…). */
  token: secret,
  variables: z.record(z.string(), scalar).optional(),
  /** CI/CD inputs (`spec:inputs`), GitLab 17.11+. */
  inputs: z.record(z.string(), scalar).optional(),
  ...DestinationPolicyShape,
});

/** https://www.jenkins.io/doc/book/using/remote-access-api/ — buildWithParameters with a user API token. */
export const JenkinsCiSchema = z.strictObject({
  provider: z.literal('jenkins'),
  url: httpUrl,
  /** Job path; folders separated by `/` (`team/api/main`). */
  job: z.string().min(1),
  user: z.string().min(1),
  token: secret,
  parameters: z.record(z.string(), scalar).optional(),
  /** Fetch a CSRF crumb first (default). A 404 from crumbIssuer means CSRF protection is off. */
  crumb: BooleanLikeSchema.default(true),
  ...DestinationPolicyShape,
});

/** https://circleci.com/docs/api/v2/#operation/triggerPipeline */
export const CircleciCiSchema = z
  .strictObject({
    provider: z.literal('circleci'),
    url: httpUrl.default('https://circleci.com'),
    /** Project slug: `gh/org/repo`, `bb/org/repo` or `circleci/<org-id>/<project-id>`. */
    project: z.string().regex(/^[^/]+\/[^/]+\/[^/]+$/, 'project is a slug like gh/org/repo'),
    token: secret,
    branch: z.string().min(1).optional(),
    tag: z.string().min(1).optional(),
    parameters: z.record(z.string(), scalar).optional(),
    ...DestinationPolicyShape,
  })
  .refine((p) => p.branch === undefined || p.tag === undefined, { message: 'give branch or tag, not both', path: ['tag'] });

/** `ci` params: kick a pipeline. String values are templates; secrets come from `${VAR}` config. */
export const CiParamsSchema = z.discriminatedUnion('provider', [GithubCiSchema, GitlabCiSchema, JenkinsCiSchema, CircleciCiSchema]);
export type CiParams = z.output<typeof CiParamsSchema>;
export type CiParamsOf<P extends CiParams['provider']> = Extract<CiParams, { provider: P }>;
