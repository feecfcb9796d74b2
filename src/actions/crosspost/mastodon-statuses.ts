import { PermanentError, RetryableError } from '../../errors.ts';
import type { ActionDeps, Job } from '../action.ts';
import { fetchOutbound } from '../runtime/outbound.ts';
import { joinUrl, parseJsonObject, providerOutcome } from '../runtime/provider-response.ts';
import type { CrosspostParamsOf } from './crosspost-params.ts';
import { comparableText, statusText } from './mastodon-content.ts';
import { earliestPostTime, type PreparedPost } from './platform.ts';
import { resetHeaderDelay } from './rate-limit-headers.ts';

type Params = CrosspostParamsOf<'mastodon'>;

/** Mastodon's default page: a status carries its account and card, and a page must stay under the outbound size cap. */
const PAGE_SIZE = 20;
const MAX_PAGES = 10;
const READING = "Mastodon (reading the account's statuses to avoid a double post; the post was held back)";
const HELD_BACK = 'so the post was held back in case an earlier attempt already made it';

interface MastodonStatus {
  id?: unknown;
  url?: unknown;
  uri?: unknown;
  created_at?: unknown;
  content?: unknown;
  spoiler_text?: unknown;
}

interface Wanted {
  text: string;
  spoiler: string | undefined;
}

/**
 * Mastodon keeps an Idempotency-Key for one hour only, and a run that may have posted (a timeout or
 * a crash that lost the answer) can be retried later than that: a long backoff, a dead-letter retry,
 * a replay. So the account's own statuses since the job could first have run are read
 * (verify_credentials for the account id, then GET /api/v1/accounts/:id/statuses newest first, paged
 * with max_id, up to MAX_PAGES pages), and one that shows the job's text, with its content warning when
 * the job has one, is taken as this job's. Returns its URL.
 */
export async function findEarlierStatus(params: Params, prepared: PreparedPost, job: Job, deps: ActionDeps): Promise<string | undefined> {
  const from = earliestPostTime(job);
  const spoiler = prepared.payload.spoiler_text;
  const wanted = { text: comparableText(prepared.text), spoiler: typeof spoiler === 'string' ? comparableText(spoiler) : undefined };
  const accountId = await readAccountId(params, deps);
  let maxId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const statuses = await readStatuses(params, accountId, maxId, deps);
    // A time that does not parse counts as recent: a wrong match holds a post back, a missed one posts twice.
    const match = statuses.find((status) => !(createdAt(status) < from) && isJobsStatus(status, wanted));
    if (match) return [match.url, match.uri, match.id].find((ref): ref is string => typeof ref === 'string') ?? 'a status with no URL';
    const last = statuses.at(-1);
    if (last === undefined || createdAt(last) < from || typeof last.id !== 'string') return undefined;
    maxId = last.id;
  }
  return undefined;
}

async function readAccountId(params: Params, deps: ActionDeps): Promise<string> {
  const account = parseJsonObject(await read(params, '/api/v1/accounts/verify_credentials', deps));
  if (typeof account.id !== 'string' || account.id === '')
    throw new RetryableError(`Mastodon: verify_credentials gave no account id, ${HELD_BACK}`);
  return account.id;
}

async function readStatuses(params: Params, accountId: string, maxId: string | undefined, deps: ActionDeps): Promise<MastodonStatus[]> {
  // Boosts and replies to others are never this job's post.
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), exclude_reblogs: 'true', exclude_replies: 'true' });
  if (maxId !== undefined) query.set('max_id', maxId);
  const body = await read(params, `/api/v1/accounts/${encodeURIComponent(accountId)}/statuses?${query}`, deps);
  let statuses: unknown;
  try {
    statuses = JSON.parse(body);
  } catch {
    statuses = undefined;
  }
  if (!Array.isArray(statuses))
    throw new RetryableError(`Mastodon: the account's statuses could not be read (the answer is not a list of statuses), ${HELD_BACK}`);
  return statuses.filter((s): s is MastodonStatus => s !== null && typeof s === 'object');
}

/** A GET with the token; an HTTP failure is classified as the post's would be, a network failure is retried. */
async function read(params: Params, path: string, deps: ActionDeps): Promise<string> {
  let response: Response;
  try {
    response = await fetchOutbound(deps, {
      url: joinUrl(params.instance, path),
      method: 'GET',
      headers: { authorization: `Bearer ${params.token}` },
    });
  } catch (error) {
    if (error instanceof PermanentError || (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')))
      throw error;
    throw new RetryableError(`Mastodon could not be reached to read the account's statuses (${describe(error)}), ${HELD_BACK}`);
  }
  if (response.status === 403) throw new StatusReadRefusedError();
  if (!response.ok) await providerOutcome(response, deps.now(), { provider: READING, rateLimitDelay: resetHeaderDelay });
  return response.text();
}

/**
 * The token may not read the account's statuses (a 403: no `read:accounts`/`read:statuses` scope, as
 * tokens made for posting only were before the search existed). The post then relies on its
 * Idempotency-Key alone, as it did before: once within Mastodon's hour, not beyond it.
 */
export class StatusReadRefusedError extends Error {
  constructor() {
    super('Mastodon refused to show the account its statuses (403)');
    this.name = 'StatusReadRefusedError';
  }
}

function isJobsStatus(status: MastodonStatus, wanted: Wanted): boolean {
  if (typeof status.content !== 'string' || comparableText(statusText(status.content)) !== wanted.text) return false;
  return (
    wanted.spoiler === undefined || (typeof status.spoiler_text === 'string' && comparableText(status.spoiler_text) === wanted.spoiler)
  );
}

function createdAt(status: MastodonStatus): number {
  return typeof status.created_at === 'string' ? Date.parse(status.created_at) : Number.NaN;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
