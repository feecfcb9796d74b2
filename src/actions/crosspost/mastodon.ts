import type { ActionContext } from '../action.ts';
import { callProvider, joinUrl, parseJsonObject } from '../runtime/provider-response.ts';
import type { CrosspostParamsOf } from './crosspost-params.ts';
import { composePost, countCodePoints, joinSegments } from './fit-text.ts';
import { findEarlierStatus, StatusReadRefusedError } from './mastodon-statuses.ts';
import type { Platform } from './platform.ts';
import { resetHeaderDelay } from './rate-limit-headers.ts';

type Params = CrosspostParamsOf<'mastodon'>;

/** A token that may post but not read: warn, and post with the Idempotency-Key alone (the caller's `undefined`). */
function postingOnlyToken(deps: Pick<ActionContext, 'log'>) {
  return (error: unknown): undefined => {
    if (!(error instanceof StatusReadRefusedError)) throw error;
    deps.log.warn(
      'mastodon: the token cannot read the account (403), so this retry posts with its Idempotency-Key alone, which Mastodon keeps for an hour: give the token read:accounts and read:statuses so a later retry cannot post twice',
    );
    return undefined;
  };
}

/** Mastodon counts every URL as 23 characters, whatever its length. https://docs.joinmastodon.org/user/posting/#links */
const MASTODON_URL_COST = 23;

/**
 * POST /api/v1/statuses with a Bearer token and the job id as Idempotency-Key. Mastodon honours the
 * key for an hour only, so when an earlier run of the job may have posted, the account's statuses
 * are read first (findEarlierStatus) and one that is the job's post is reported instead of posting.
 */
export const mastodon: Platform<Params> = {
  name: 'mastodon',
  prepare(params) {
    const spoiler = params.spoiler?.trim() ?? '';
    const segments = composePost(params.text, params.link, {
      max: params.maxLength - countCodePoints(spoiler),
      count: countCodePoints,
      urlCost: MASTODON_URL_COST,
    });
    const text = joinSegments(segments);
    const payload = {
      status: text,
      visibility: params.visibility,
      ...(spoiler ? { spoiler_text: spoiler } : {}),
      ...(params.sensitive !== undefined ? { sensitive: params.sensitive } : {}),
      ...(params.language ? { language: params.language } : {}),
    };
    return { text, payload };
  },
  async post(params, prepared, job, deps) {
    // Whether the earlier run is older than the key's hour would need the job's attempt records,
    // which an action does not get: any run that may have posted looks. A fresh job's first attempt does not.
    const earlier = deps.mayHaveRun ? await findEarlierStatus(params, prepared, job, deps).catch(postingOnlyToken(deps)) : undefined;
    if (earlier !== undefined) return { status: 200, response: `already posted ${earlier}` };
    const result = await callProvider(
      deps,
      {
        url: joinUrl(params.instance, '/api/v1/statuses'),
        headers: { authorization: `Bearer ${params.token}`, 'content-type': 'application/json', 'idempotency-key': job.id },
        body: JSON.stringify(prepared.payload),
      },
      { provider: 'Mastodon', rateLimitDelay: resetHeaderDelay },
    );
    const status = parseJsonObject(result.response);
    return { ...result, response: typeof status.url === 'string' ? `posted ${status.url}` : (result.response ?? '') };
  },
};
