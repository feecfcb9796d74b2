import type { ActionDeps, ActionResult, Job } from '../action.ts';
import { fetchOutbound } from '../runtime/outbound.ts';
import { joinUrl, providerOutcome } from '../runtime/provider-response.ts';
import { PermanentError } from '../../errors.ts';
import type { CiParamsOf } from './ci-params.ts';

type Deps = Pick<ActionDeps, 'fetch' | 'now' | 'signal'>;

interface Crumb {
  headers: Record<string, string>;
}

/** `/job/a/job/b` for the folder path `a/b`. */
export function jenkinsJobPath(job: string): string {
  return job
    .split('/')
    .filter((part) => part !== '')
    .map((part) => `/job/${encodeURIComponent(part)}`)
    .join('');
}

/**
 * Fetches a CSRF crumb. Since Jenkins 2.176.2 a crumb belongs to the web session that issued it,
 * so the session cookie goes along with it. https://www.jenkins.io/doc/upgrade-guide/2.176/#SECURITY-626
 * A 404 means the crumb issuer is disabled: no crumb needed.
 */
async function fetchCrumb(params: CiParamsOf<'jenkins'>, auth: string, deps: Deps): Promise<Crumb> {
  const response = await fetchOutbound(deps, {
    url: joinUrl(params.url, '/crumbIssuer/api/json'),
    method: 'GET',
    headers: { authorization: auth, accept: 'application/json' },
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return { headers: {} };
  }
  const result = await providerOutcome(response, deps.now(), { provider: 'Jenkins (crumbIssuer)' });
  const crumb = crumbBody(result.response ?? '{}', response.status);
  if (typeof crumb.crumb !== 'string' || typeof crumb.crumbRequestField !== 'string') return { headers: {} };
  const cookies = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]?.trim() ?? '')
    .filter((c) => c !== '');
  return { headers: { [crumb.crumbRequestField]: crumb.crumb, ...(cookies.length > 0 ? { cookie: cookies.join('; ') } : {}) } };
}

/**
 * The crumb issuer's JSON object. Anything else (a login page of a proxy in front of Jenkins, a `url`
 * that is not the Jenkins root) will not change on a retry, so it fails the job permanently.
 */
function crumbBody(text: string, status: number): { crumb?: unknown; crumbRequestField?: unknown } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PermanentError(`Jenkins (crumbIssuer) answered HTTP ${status} with a body that is not JSON, not a crumb`, status);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new PermanentError(`Jenkins (crumbIssuer) answered HTTP ${status} with JSON ${what}, not a crumb`, status);
}

/**
 * POST /job/<path>/buildWithParameters (or /build for a job without parameters) with HTTP basic
 * auth (user + API token). Jenkins answers 201 with the queue item in Location.
 */
export async function triggerJenkins(params: CiParamsOf<'jenkins'>, _job: Job, deps: Deps): Promise<ActionResult> {
  const auth = `Basic ${Buffer.from(`${params.user}:${params.token}`).toString('base64')}`;
  const crumb = params.crumb ? await fetchCrumb(params, auth, deps) : { headers: {} };
  const entries = Object.entries(params.parameters ?? {});
  const form = new URLSearchParams(entries.map(([key, value]) => [key, String(value)]));
  const endpoint = entries.length > 0 ? 'buildWithParameters' : 'build';
  const response = await fetchOutbound(deps, {
    url: joinUrl(params.url, `${jenkinsJobPath(params.job)}/${endpoint}`),
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', ...crumb.headers },
    body: form.toString(),
  });
  const queued = response.headers.get('location');
  const result = await providerOutcome(response, deps.now(), { provider: 'Jenkins' });
  return { ...result, response: queued ? `queued: ${queued}` : (result.response ?? '') };
}
