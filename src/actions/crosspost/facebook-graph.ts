import { createHmac } from 'node:crypto';
import { RetryableError } from '../../errors.ts';
import type { ActionDeps, Job } from '../action.ts';
import { fetchOutbound } from '../runtime/outbound.ts';
import { joinUrl, parseJsonObject, providerOutcome } from '../runtime/provider-response.ts';
import type { CrosspostParamsOf } from './crosspost-params.ts';
import { earliestPostTime } from './platform.ts';
import { graphRateLimit } from './rate-limit-headers.ts';

type Params = CrosspostParamsOf<'facebook'>;

/** Small pages: a message may be 63,206 characters, and the whole answer must stay under the outbound size cap. */
const PAGE_SIZE = 25;
const MAX_PAGES = 8;

/**
 * Graph API error codes that mean "later", though they come with HTTP 400/403: temporary errors (1, 2, 341).
 * Throttling codes are rate limits (graphRateLimit). https://developers.facebook.com/docs/graph-api/guides/error-handling
 */
const TRANSIENT_CODES = new Set([1, 2, 341]);

export function isTransientGraphError(body: string): boolean {
  const error = parseJsonObject(body).error as { code?: unknown; is_transient?: unknown } | undefined;
  return error?.is_transient === true || (typeof error?.code === 'number' && TRANSIENT_CODES.has(error.code));
}

/** HMAC-SHA256 of the token with the app secret. https://developers.facebook.com/docs/graph-api/securing-requests */
export function appSecretProof(params: Params): string | undefined {
  return params.appSecret ? createHmac('sha256', params.appSecret).update(params.token).digest('hex') : undefined;
}

/**
 * A Page post takes no idempotency key, so when an earlier run of the job may have posted (a timeout
 * or a crash that lost the answer, a dead-letter retry, a replay), the Page's own posts since the job
 * could first have run are read (GET /{page-id}/published_posts, newest first, up to MAX_PAGES pages),
 * and one with the same message, and the same link when the job has one, is taken as this job's.
 * Returns its id.
 */
export async function findEarlierPost(params: Params, message: string, job: Job, deps: ActionDeps): Promise<string | undefined> {
  const from = earliestPostTime(job);
  const wanted = normalize(message);
  const link = params.link === undefined ? undefined : normalizeUrl(params.link);
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = await readPage(params, Math.floor(from / 1000), after, deps);
    const posts = (Array.isArray(body.data) ? body.data : []) as GraphPost[];
    const match = posts.find((post) => isJobsPost(post, wanted, link));
    if (match) return String(match.id);
    const paging = body.paging as { next?: unknown; cursors?: { after?: unknown } } | undefined;
    after = typeof paging?.next === 'string' && typeof paging.cursors?.after === 'string' ? paging.cursors.after : undefined;
    if (after === undefined) return undefined;
  }
  return undefined;
}

async function readPage(params: Params, since: number, after: string | undefined, deps: ActionDeps): Promise<Record<string, unknown>> {
  const query = new URLSearchParams({
    fields: 'id,message,created_time,attachments{unshimmed_url,url}',
    since: String(since),
    limit: String(PAGE_SIZE),
  });
  if (after !== undefined) query.set('after', after);
  const proof = appSecretProof(params);
  if (proof) query.set('appsecret_proof', proof);
  const response = await fetchOutbound(deps, {
    url: joinUrl(params.graph, `/${params.version}/${params.pageId}/published_posts?${query}`),
    method: 'GET',
    // The token in a header, never in the URL.
    headers: { authorization: `Bearer ${params.token}` },
  });
  if (!response.ok)
    await providerOutcome(response, deps.now(), {
      provider: 'Facebook (reading the Page posts to avoid a double post)',
      retryableBody: isTransientGraphError,
      rateLimit: graphRateLimit,
    });
  const body = parseJsonObject(await response.text());
  if (!Array.isArray(body.data))
    throw new RetryableError(
      "Facebook: the Page's recent posts could not be read (the answer is not a list of posts), so the post was not sent in case an earlier attempt already made it",
    );
  return body;
}

interface GraphPost {
  id?: unknown;
  message?: unknown;
  attachments?: { data?: unknown };
}

/** Another job's post may have the same text (a rule posting "New release" with each release's link): the link tells them apart. */
function isJobsPost(post: GraphPost, message: string, link: string | undefined): boolean {
  if (typeof post.message !== 'string' || normalize(post.message) !== message) return false;
  return link === undefined || linksOf(post).some((url) => normalizeUrl(url) === link);
}

/** A link post's share attachment: `unshimmed_url` is the link as posted, `url` may be Facebook's redirect to it. */
function linksOf(post: GraphPost): string[] {
  const attachments = Array.isArray(post.attachments?.data) ? (post.attachments.data as Record<string, unknown>[]) : [];
  return attachments.flatMap((a) => [a.unshimmed_url, a.url]).filter((url): url is string => typeof url === 'string');
}

/** Case of scheme and host, a fragment, a trailing slash and Facebook's l.php redirect aside. */
function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return raw.trim();
  }
  const target = url.searchParams.get('u');
  if (/(^|\.)facebook\.com$/.test(url.hostname) && url.pathname === '/l.php' && target) return normalizeUrl(target);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}${url.search}`;
}

/** Facebook may give back other line endings or trailing spaces than were sent. */
function normalize(message: string): string {
  return message.replace(/\r\n?/g, '\n').trim();
}
