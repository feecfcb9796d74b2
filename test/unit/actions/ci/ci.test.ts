import { afterEach, describe, expect, it } from 'vitest';
import { ciAction } from '../../../../src/actions/ci/index.ts';
import { CiParamsSchema } from '../../../../src/actions/ci/ci-params.ts';
import { jenkinsJobPath } from '../../../../src/actions/ci/jenkins.ts';
import { classifyError } from '../../../../src/actions/runtime/classify-error.ts';
import { startFakeApi, testDeps, testJob, jsonBody, type FakeApi, type FakeHandler, type FakeReply } from './fake-api.ts';
import { actionContext } from '../../../helpers/action-context.ts';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const gh = (over: Record<string, unknown> = {}) => ({
  provider: 'github',
  api: api?.url,
  token: 'ghp_secret',
  owner: 'acme',
  repo: 'api',
  ...over,
});

/** GitHub's documented request shape: Bearer token, JSON accept, API version header. */
const github: FakeHandler = (req) => {
  if (req.headers.authorization !== 'Bearer ghp_secret')
    return { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } };
  if (req.headers.accept !== 'application/vnd.github+json' || req.headers['x-github-api-version'] !== '2022-11-28')
    return { status: 400, body: { message: 'bad headers' } };
  if (req.method !== 'POST') return { status: 404, body: { message: 'Not Found' } };
  const body = jsonBody(req);
  if (req.path === '/api/v3/repos/acme/api/actions/workflows/deploy.yml/dispatches') {
    if (typeof body.ref !== 'string') return { status: 422, body: { message: 'Invalid request.\n\n"ref" wasn\'t supplied.' } };
    return { status: 204 };
  }
  if (req.path === '/api/v3/repos/acme/api/actions/workflows/lint.yml/dispatches') {
    return {
      status: 422,
      body: {
        message: "Workflow does not have 'workflow_dispatch' trigger",
        documentation_url: 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event',
        status: '422',
      },
    };
  }
  if (req.path === '/api/v3/repos/acme/api/dispatches')
    return typeof body.event_type === 'string' ? { status: 204 } : { status: 422, body: { message: 'Invalid request.' } };
  return { status: 404, body: { message: 'Not Found' } };
};

describe('ci: github', () => {
  it('workflow_dispatch: exact path, headers and body; 204 is success', async () => {
    const { result, requests } = await runWith(github, (url) =>
      gh({ api: `${url}/api/v3/`, workflow: 'deploy.yml', ref: 'main', inputs: { env: 'prod', dry: false } }),
    );
    expect(result).toEqual({ status: 204, response: 'dispatched workflow deploy.yml on main in acme/api' });
    expect(requests[0]?.path).toBe('/api/v3/repos/acme/api/actions/workflows/deploy.yml/dispatches');
    expect(jsonBody(requests[0]!)).toEqual({ ref: 'main', inputs: { env: 'prod', dry: false } });
  });

  it('repository_dispatch sends event_type and client_payload', async () => {
    const { result, requests } = await runWith(github, (url) =>
      gh({ api: `${url}/api/v3`, eventType: 'deploy', clientPayload: { sha: 'abc' } }),
    );
    expect(result?.status).toBe(204);
    expect(jsonBody(requests[0]!)).toEqual({ event_type: 'deploy', client_payload: { sha: 'abc' } });
  });

  it("keeps GitHub's error message verbatim and does not retry a 422", async () => {
    const { failure } = await runWith(github, (url) => gh({ api: `${url}/api/v3`, workflow: 'lint.yml', ref: 'main' }));
    expect(failure?.kind).toBe('permanent');
    expect(failure?.message).toBe("HTTP 422 from GitHub: Workflow does not have 'workflow_dispatch' trigger");
    expect(failure?.response).toContain('documentation_url');
  });

  it('a bad token is a permanent 401 with "Bad credentials"', async () => {
    const { failure } = await runWith(github, (url) => gh({ api: `${url}/api/v3`, token: 'nope', workflow: 'deploy.yml', ref: 'main' }));
    expect(failure).toMatchObject({ kind: 'permanent', status: 401, message: 'HTTP 401 from GitHub: Bad credentials' });
  });

  it('a 503 with Retry-After is retryable after that delay', async () => {
    const { failure } = await runWith(
      () => ({ status: 503, body: { message: 'Service unavailable' }, headers: { 'retry-after': '7' } }),
      (url) => gh({ api: url, workflow: 'deploy.yml', ref: 'main' }),
    );
    expect(failure).toMatchObject({ kind: 'retry', status: 503, delayMs: 7_000, message: 'HTTP 503 from GitHub: Service unavailable' });
  });

  it("a 403 for GitHub's primary rate limit is retried when the limit resets, not dead-lettered", async () => {
    const reset = Date.parse('2026-11-28T12:20:00Z') / 1_000;
    const { failure } = await runWith(
      () => ({
        status: 403,
        body: { message: 'API rate limit exceeded for installation ID 42.' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      }),
      (url) => gh({ api: url, workflow: 'deploy.yml', ref: 'main' }),
    );
    expect(failure).toMatchObject({ kind: 'retry', status: 403, delayMs: 20 * 60_000 + 1_000 });
    expect(failure?.message).toBe('HTTP 403 from GitHub: API rate limit exceeded for installation ID 42.');
  });

  it('a 403 for a secondary rate limit waits its Retry-After, or a minute when it names none', async () => {
    const secondary = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };
    const withHeader = await runWith(
      () => ({ status: 403, body: secondary, headers: { 'retry-after': '90' } }),
      (url) => gh({ api: url, workflow: 'deploy.yml', ref: 'main' }),
    );
    expect(withHeader.failure).toMatchObject({ kind: 'retry', status: 403, delayMs: 90_000 });
    const bare = await runWith(
      () => ({ status: 403, body: secondary }),
      (url) => gh({ api: url, workflow: 'deploy.yml', ref: 'main' }),
    );
    expect(bare.failure).toMatchObject({ kind: 'retry', status: 403, delayMs: 60_000 });
  });

  it('a 429 without Retry-After waits for the reset too; a 403 that is no rate limit stays permanent', async () => {
    const reset = Date.parse('2026-11-28T12:05:00Z') / 1_000;
    const limited = await runWith(
      () => ({
        status: 429,
        body: { message: 'API rate limit exceeded' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      }),
      (url) => gh({ api: url, workflow: 'deploy.yml', ref: 'main' }),
    );
    expect(limited.failure).toMatchObject({ kind: 'retry', status: 429, delayMs: 5 * 60_000 + 1_000 });
    // A reset this clock has already reached (skew) still waits a second, not 0 ms for every attempt.
    const reached = await runWith(
      () => ({
        status: 403,
        body: { message: 'API rate limit exceeded' },
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.parse('2026-11-28T11:59:50Z') / 1_000) },
      }),
      (url) => gh({ api: url, workflow: 'deploy.yml', ref: 'main' }),
    );
    expect(reached.failure).toMatchObject({ kind: 'retry', status: 403, delayMs: 1_000 });
    const forbidden = await runWith(
      () => ({ status: 403, body: { message: 'Resource not accessible by integration' }, headers: { 'x-ratelimit-remaining': '4999' } }),
      (url) => gh({ api: url, workflow: 'deploy.yml', ref: 'main' }),
    );
    expect(forbidden.failure).toMatchObject({ kind: 'permanent', status: 403 });
  });

  it('rejects ambiguous params at load time', () => {
    expect(CiParamsSchema.safeParse({ provider: 'github', token: 't', owner: 'o', repo: 'r' }).success).toBe(false);
    expect(CiParamsSchema.safeParse({ provider: 'github', token: 't', owner: 'o', repo: 'r', workflow: 'x.yml' }).success).toBe(false);
    expect(
      CiParamsSchema.safeParse({ provider: 'github', token: 't', owner: 'o', repo: 'r', workflow: 'x.yml', ref: 'main', eventType: 'e' })
        .success,
    ).toBe(false);
  });
});

/** GitLab: form-encoded token, ref and variables[KEY]; 201 with the pipeline. */
const gitlab: FakeHandler = (req) => {
  if (req.method !== 'POST' || req.path !== '/api/v4/projects/acme%2Fapi/trigger/pipeline')
    return { status: 404, body: { message: '404 Not Found' } };
  if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded'))
    return { status: 400, body: { error: 'token is missing' } };
  const form = new URLSearchParams(req.body);
  if (form.get('token') !== 'glptt-secret') return { status: 404, body: { message: '404 Not Found' } };
  if (form.get('ref') !== 'main') return { status: 400, body: { message: { base: ['Reference not found'] } } };
  return {
    status: 201,
    body: {
      id: 4242,
      status: 'created',
      ref: 'main',
      web_url: 'https://gitlab.example/acme/api/-/pipelines/4242',
      variables: [...form.keys()],
    },
  };
};

describe('ci: gitlab', () => {
  const params = (url: string, over: Record<string, unknown> = {}) => ({
    provider: 'gitlab',
    url,
    project: 'acme/api',
    ref: 'main',
    token: 'glptt-secret',
    variables: { DEPLOY: 'yes', N: 3 },
    ...over,
  });

  it('triggers with the token in the form body (never in the URL) and variables[KEY]', async () => {
    const { result, requests } = await runWith(gitlab, (url) => params(url));
    expect(result?.status).toBe(201);
    expect(JSON.parse(result?.response ?? '{}')).toMatchObject({ id: 4242, web_url: 'https://gitlab.example/acme/api/-/pipelines/4242' });
    expect(requests[0]?.query.toString()).toBe('');
    expect(Object.fromEntries(new URLSearchParams(requests[0]!.body))).toEqual({
      token: 'glptt-secret',
      ref: 'main',
      'variables[DEPLOY]': 'yes',
      'variables[N]': '3',
    });
  });

  it('keeps "Reference not found" verbatim', async () => {
    const { failure } = await runWith(gitlab, (url) => params(url, { ref: 'nope' }));
    expect(failure).toMatchObject({ kind: 'permanent', status: 400, message: 'HTTP 400 from GitLab: base: Reference not found' });
  });

  it("a wrong trigger token is GitLab's 404", async () => {
    const { failure } = await runWith(gitlab, (url) => params(url, { token: 'bad' }));
    expect(failure?.message).toBe('HTTP 404 from GitLab: 404 Not Found');
  });
});

/** Jenkins: session-bound crumb, basic auth with the API token, 201 + Location of the queue item. */
function jenkins(options: { crumbIssuer: boolean; crumbBody?: unknown }): FakeHandler {
  const auth = `Basic ${Buffer.from('ci-bot:api-token').toString('base64')}`;
  return (req): FakeReply => {
    if (req.headers.authorization !== auth)
      return { status: 401, body: '<html><head><title>Error 401 Unauthorized</title></head><body></body></html>' };
    if (req.path === '/jenkins/crumbIssuer/api/json') {
      if (!options.crumbIssuer) return { status: 404, body: '<html><head><title>Error 404 Not Found</title></head></html>' };
      return {
        status: 200,
        body:
          'crumbBody' in options
            ? options.crumbBody
            : { _class: 'hudson.security.csrf.DefaultCrumbIssuer', crumb: 'c0ffee', crumbRequestField: 'Jenkins-Crumb' },
        headers: { 'set-cookie': 'JSESSIONID.abc=node01; Path=/; HttpOnly' },
      };
    }
    if (options.crumbIssuer && (req.headers['jenkins-crumb'] !== 'c0ffee' || req.headers.cookie !== 'JSESSIONID.abc=node01')) {
      return {
        status: 403,
        body: '<html><head><title>Error 403 No valid crumb was included in the request</title></head><body><h2>HTTP ERROR 403</h2></body></html>',
      };
    }
    if (req.method === 'POST' && req.path === '/jenkins/job/team/job/api%20main/buildWithParameters') {
      return { status: 201, headers: { location: 'http://jenkins.example/queue/item/17/' } };
    }
    if (req.method === 'POST' && req.path === '/jenkins/job/plain/build')
      return { status: 201, headers: { location: 'http://jenkins.example/queue/item/18/' } };
    return { status: 404, body: '<html><head><title>Error 404 Not Found</title></head></html>' };
  };
}

describe('ci: jenkins', () => {
  const params = (url: string, over: Record<string, unknown> = {}) => ({
    provider: 'jenkins',
    url: `${url}/jenkins/`,
    job: 'team/api main',
    user: 'ci-bot',
    token: 'api-token',
    parameters: { BRANCH: 'main', FORCE: true },
    ...over,
  });

  it('fetches a crumb, sends it with its session cookie, and reports the queue item', async () => {
    const { result, requests } = await runWith(jenkins({ crumbIssuer: true }), (url) => params(url));
    expect(result).toEqual({ status: 201, response: 'queued: http://jenkins.example/queue/item/17/' });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /jenkins/crumbIssuer/api/json',
      'POST /jenkins/job/team/job/api%20main/buildWithParameters',
    ]);
    expect(Object.fromEntries(new URLSearchParams(requests[1]!.body))).toEqual({ BRANCH: 'main', FORCE: 'true' });
  });

  it('works without a crumb issuer (404) and uses /build for a job without parameters', async () => {
    const { result, requests } = await runWith(jenkins({ crumbIssuer: false }), (url) =>
      params(url, { job: 'plain', parameters: undefined }),
    );
    expect(result?.status).toBe(201);
    expect(requests[1]?.headers['jenkins-crumb']).toBeUndefined();
  });

  it("reports Jenkins' crumb refusal verbatim when crumbs are turned off but required", async () => {
    const { failure } = await runWith(jenkins({ crumbIssuer: true }), (url) => params(url, { crumb: false }));
    expect(failure).toMatchObject({
      kind: 'permanent',
      status: 403,
      message: 'HTTP 403 from Jenkins: Error 403 No valid crumb was included in the request',
    });
  });

  it('a wrong API token fails at the crumb issuer with 401', async () => {
    const { failure } = await runWith(jenkins({ crumbIssuer: true }), (url) => params(url, { token: 'wrong' }));
    expect(failure?.message).toBe('HTTP 401 from Jenkins (crumbIssuer): Error 401 Unauthorized');
  });

  it.each([
    ['JSON null', null, 'JSON null'],
    ['an HTML page (a login proxy in front of Jenkins)', '<html><head><title>Sign in</title></head></html>', 'a body that is not JSON'],
  ])('fails permanently, triggering nothing, when the crumb issuer answers %s', async (_name, crumbBody, what) => {
    const { failure, requests } = await runWith(jenkins({ crumbIssuer: true, crumbBody }), (url) => params(url));
    expect(failure).toMatchObject({
      kind: 'permanent',
      status: 200,
      message: `Jenkins (crumbIssuer) answered HTTP 200 with ${what}, not a crumb`,
    });
    expect(requests).toHaveLength(1);
  });

  it('maps folder paths to /job/a/job/b', () => {
    expect(jenkinsJobPath('a/b/c')).toBe('/job/a/job/b/job/c');
  });
});

/** CircleCI: Circle-Token header, JSON { branch | tag, parameters }, 201 with the pipeline. */
const circleci: FakeHandler = (req) => {
  if (req.headers['circle-token'] !== 'cci-secret') return { status: 401, body: { message: 'You must log in first.' } };
  if (req.method !== 'POST' || req.path !== '/api/v2/project/gh/acme/api/pipeline')
    return { status: 404, body: { message: 'Project not found' } };
  const body = jsonBody(req);
  const unknown = Object.keys((body.parameters as Record<string, unknown>) ?? {}).filter((k) => k !== 'deploy');
  if (unknown.length > 0) return { status: 400, body: { message: `Unexpected argument(s): ${unknown.join(', ')}` } };
  return { status: 201, body: { id: '2f1c-uuid', state: 'pending', number: 77, created_at: '2026-11-28T12:00:00Z' } };
};

describe('ci: circleci', () => {
  const params = (url: string, over: Record<string, unknown> = {}) => ({
    provider: 'circleci',
    url,
    project: 'gh/acme/api',
    token: 'cci-secret',
    branch: 'main',
    parameters: { deploy: true },
    ...over,
  });

  it('triggers a pipeline with branch and parameters', async () => {
    const { result, requests } = await runWith(circleci, (url) => params(url));
    expect(result?.status).toBe(201);
    expect(JSON.parse(result?.response ?? '{}')).toMatchObject({ number: 77, state: 'pending' });
    expect(jsonBody(requests[0]!)).toEqual({ branch: 'main', parameters: { deploy: true } });
  });

  it("keeps CircleCI's message verbatim", async () => {
    const { failure } = await runWith(circleci, (url) => params(url, { parameters: { nope: 1 } }));
    expect(failure?.message).toBe('HTTP 400 from CircleCI: Unexpected argument(s): nope');
    const missing = await runWith(circleci, (url) => params(url, { project: 'gh/acme/other' }));
    expect(missing.failure?.message).toBe('HTTP 404 from CircleCI: Project not found');
  });

  it('does not leak the token into the destination key', () => {
    const parsed = CiParamsSchema.parse(params('https://circleci.com'));
    expect(ciAction.destination(parsed, { channels: {} })).toBe('ci:circleci:gh/acme/api');
  });
});

async function runWith(handler: FakeHandler, build: (url: string) => Record<string, unknown>) {
  await api?.close();
  api = await startFakeApi(handler);
  const params = build(api.url);
  const parsed = CiParamsSchema.parse(params);
  try {
    return {
      result: await ciAction.execute(parsed, actionContext(testJob('ci', params), testDeps())),
      requests: api.requests,
      failure: undefined,
    };
  } catch (error) {
    return { result: undefined, failure: classifyError(error, 1_000), requests: api.requests };
  }
}
