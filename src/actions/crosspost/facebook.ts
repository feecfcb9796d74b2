import { callProvider, joinUrl, parseJsonObject } from '../runtime/provider-response.ts';
import type { CrosspostParamsOf } from './crosspost-params.ts';
import { appSecretProof, findEarlierPost, isTransientGraphError } from './facebook-graph.ts';
import { composePost, countCodePoints, joinSegments } from './fit-text.ts';
import type { Platform } from './platform.ts';
import { graphRateLimit } from './rate-limit-headers.ts';

type Params = CrosspostParamsOf<'facebook'>;

/** A Page post's message limit. */
const FACEBOOK_MAX = 63_206;

/**
 * POST /{version}/{page-id}/feed with `message` and `link`, the Page token in the form body
 * (never in the URL) and appsecret_proof when an app secret is given; unless an earlier run of the job
 * may have posted and the Page shows its post (findEarlierPost), since the Graph API takes no idempotency key.
 */
export const facebook: Platform<Params> = {
  name: 'facebook',
  prepare(params) {
    // The link goes in its own field (Facebook renders a preview card), so the message keeps only the text.
    const text = joinSegments(composePost(params.text, undefined, { max: FACEBOOK_MAX, count: countCodePoints }));
    return { text, payload: { message: text, ...(params.link ? { link: params.link } : {}) } };
  },
  async post(params, prepared, job, deps) {
    // A fresh job's first attempt cannot have posted: it posts without reading the Page.
    const earlier = deps.mayHaveRun ? await findEarlierPost(params, prepared.text, job, deps) : undefined;
    if (earlier !== undefined) return { status: 200, response: `already posted ${earlier}` };
    const form = new URLSearchParams(Object.entries(prepared.payload).map(([k, v]) => [k, String(v)]));
    form.set('access_token', params.token);
    const proof = appSecretProof(params);
    if (proof) form.set('appsecret_proof', proof);
    const result = await callProvider(
      deps,
      {
        url: joinUrl(params.graph, `/${params.version}/${params.pageId}/feed`),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      },
      { provider: 'Facebook', retryableBody: isTransientGraphError, rateLimit: graphRateLimit },
    );
    const id = parseJsonObject(result.response).id;
    return { ...result, response: typeof id === 'string' ? `posted ${id}` : (result.response ?? '') };
  },
};
