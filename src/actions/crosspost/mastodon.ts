import { callProvider, joinUrl, parseJsonObject } from '../runtime/provider-response.ts';
import type { CrosspostParamsOf } from './crosspost-params.ts';
import { composePost, countCodePoints, joinSegments } from './fit-text.ts';
import type { Platform } from './platform.ts';

type Params = CrosspostParamsOf<'mastodon'>;

/** Mastodon counts every URL as 23 characters, whatever its length. https://docs.joinmastodon.org/user/posting/#links */
const MASTODON_URL_COST = 23;

/**
 * POST /api/v1/statuses with a Bearer token. The job id goes in Idempotency-Key, which Mastodon
 * honours for an hour, so a retry after a lost response does not post twice.
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
    const result = await callProvider(
      deps,
      {
        url: joinUrl(params.instance, '/api/v1/statuses'),
        headers: { authorization: `Bearer ${params.token}`, 'content-type': 'application/json', 'idempotency-key': job.id },
        body: JSON.stringify(prepared.payload),
      },
      { provider: 'Mastodon' },
    );
    const status = parseJsonObject(result.response);
    return { ...result, response: typeof status.url === 'string' ? `posted ${status.url}` : (result.response ?? '') };
  },
};
