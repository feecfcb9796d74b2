import { createHmac } from 'node:crypto';
import { callProvider, joinUrl, parseJsonObject } from '../runtime/provider-response.ts';
import type { CrosspostParamsOf } from './crosspost-params.ts';
import { composePost, countCodePoints, joinSegments } from './fit-text.ts';
import type { Platform } from './platform.ts';

type Params = CrosspostParamsOf<'facebook'>;

/** A Page post's message limit. */
const FACEBOOK_MAX = 63_206;

/**
 * Graph API error codes that mean "later", though they come with HTTP 400/403: throttling (4, 17,
 * 32, 613), temporary errors (1, 2). https://developers.facebook.com/docs/graph-api/guides/error-handling
 */
const TRANSIENT_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);

export function isTransientGraphError(body: string): boolean {
  const error = parseJsonObject(body).error as { code?: unknown; is_transient?: unknown } | undefined;
  return error?.is_transient === true || (typeof error?.code === 'number' && TRANSIENT_CODES.has(error.code));
}

/**
 * POST /{version}/{page-id}/feed with `message` and `link`, the Page token in the form body
 * (never in the URL) and appsecret_proof when an app secret is given.
 */
export const facebook: Platform<Params> = {
  name: 'facebook',
  prepare(params) {
    // The link goes in its own field (Facebook renders a preview card), so the message keeps only the text.
    const text = joinSegments(composePost(params.text, undefined, { max: FACEBOOK_MAX, count: countCodePoints }));
    return { text, payload: { message: text, ...(params.link ? { link: params.link } : {}) } };
  },
  async post(params, prepared, _job, deps) {
    const form = new URLSearchParams(Object.entries(prepared.payload).map(([k, v]) => [k, String(v)]));
    form.set('access_token', params.token);
    if (params.appSecret) form.set('appsecret_proof', createHmac('sha256', params.appSecret).update(params.token).digest('hex'));
    const result = await callProvider(
      deps,
      {
        url: joinUrl(params.graph, `/${params.version}/${params.pageId}/feed`),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
      { provider: 'Facebook', retryableBody: isTransientGraphError },
    );
    const id = parseJsonObject(result.response).id;
    return { ...result, response: typeof id === 'string' ? `posted ${id}` : (result.response ?? '') };
  },
};
