import type { ActionDeps, ActionResult } from '../action.ts';
import { fetchOutbound } from '../runtime/outbound.ts';
import { callProvider, joinUrl, parseJsonObject, providerOutcome } from '../runtime/provider-response.ts';
import { facetsFor, jobTid, shortenUrl } from './bluesky-record.ts';
import type { CrosspostParamsOf } from './crosspost-params.ts';
import { composePost, countGraphemes, joinSegments } from './fit-text.ts';
import { stableTime, type Platform } from './platform.ts';
import { resetHeaderDelay } from './rate-limit-headers.ts';

type Params = CrosspostParamsOf<'bluesky'>;

/** Bluesky's limit: 300 graphemes. */
const BLUESKY_MAX = 300;
const COLLECTION = 'app.bsky.feed.post';

interface Session {
  accessJwt: string;
  did: string;
  pds: string;
}

/** com.atproto.server.createSession with an app password; writes then go to the account's PDS. */
async function createSession(params: Params, deps: ActionDeps): Promise<Session> {
  const result = await callProvider(
    deps,
    {
      url: joinUrl(params.service, '/xrpc/com.atproto.server.createSession'),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: params.identifier, password: params.password }),
    },
    { provider: 'Bluesky (createSession)', rateLimitDelay: resetHeaderDelay },
  );
  const session = parseJsonObject(result.response);
  if (typeof session.accessJwt !== 'string' || typeof session.did !== 'string')
    throw new Error('Bluesky createSession: no accessJwt/did in the answer');
  const services = ((session.didDoc as { service?: unknown } | undefined)?.service ?? []) as { id?: string; serviceEndpoint?: string }[];
  const pds = Array.isArray(services) ? services.find((s) => s.id === '#atproto_pds')?.serviceEndpoint : undefined;
  return { accessJwt: session.accessJwt, did: session.did, pds: pds ?? params.service };
}

/** After a failed createRecord: did an earlier attempt (or this one, before failing) already write this record key? */
async function alreadyPosted(session: Session, rkey: string, deps: ActionDeps): Promise<string | undefined> {
  const query = new URLSearchParams({ repo: session.did, collection: COLLECTION, rkey });
  const response = await fetchOutbound(deps, {
    url: joinUrl(session.pds, `/xrpc/com.atproto.repo.getRecord?${query}`),
    method: 'GET',
    headers: { authorization: `Bearer ${session.accessJwt}` },
  });
  await response.body?.cancel();
  return response.status === 200 ? `at://${session.did}/${COLLECTION}/${rkey}` : undefined;
}

/** createSession, then com.atproto.repo.createRecord of an app.bsky.feed.post with link and tag facets. */
export const bluesky: Platform<Params> = {
  name: 'bluesky',
  prepare(params, job) {
    const segments = composePost(params.text, params.link, { max: BLUESKY_MAX, count: countGraphemes, displayUrl: (u) => shortenUrl(u) });
    const text = joinSegments(segments);
    const facets = facetsFor(segments);
    const record = {
      $type: COLLECTION,
      text,
      createdAt: new Date(job.createdAt).toISOString(),
      ...(facets.length > 0 ? { facets } : {}),
      ...(params.langs ? { langs: params.langs } : {}),
    };
    return { text, payload: { collection: COLLECTION, rkey: jobTid(job.id, stableTime(job)), record } };
  },
  async post(params, prepared, _job, deps): Promise<ActionResult> {
    const session = await createSession(params, deps);
    const response = await fetchOutbound(deps, {
      url: joinUrl(session.pds, '/xrpc/com.atproto.repo.createRecord'),
      headers: { authorization: `Bearer ${session.accessJwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ repo: session.did, ...prepared.payload }),
    });
    // A key that exists already gets a 500 from the reference PDS, not a 4xx: https://github.com/bluesky-social/atproto/issues/3718
    if (response.status >= 400 && response.status !== 401 && response.status !== 429) {
      const existing = await alreadyPosted(session, String(prepared.payload.rkey), deps).catch(() => undefined);
      if (existing) {
        await response.body?.cancel();
        return { status: 200, response: `already posted ${existing}` };
      }
    }
    const result = await providerOutcome(response, deps.now(), { provider: 'Bluesky', rateLimitDelay: resetHeaderDelay });
    const uri = parseJsonObject(result.response).uri;
    return { ...result, response: typeof uri === 'string' ? `posted ${uri}` : (result.response ?? '') };
  },
};
