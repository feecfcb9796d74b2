import { afterEach, describe, expect, it } from 'vitest';
import { crosspostAction } from '../../../../src/actions/crosspost/index.ts';
import { CrosspostParamsSchema } from '../../../../src/actions/crosspost/crosspost-params.ts';
import { jobTid } from '../../../../src/actions/crosspost/bluesky-record.ts';
import { classifyError } from '../../../../src/actions/runtime/classify-error.ts';
import type { Job } from '../../../../src/actions/action.ts';
import { jsonBody, startFakeApi, testDeps, testJob, type FakeApi, type FakeHandler, type FakeReply } from '../ci/fake-api.ts';
import { actionContext } from '../../../helpers/action-context.ts';
import type { ActionRegistry } from '../../../../src/actions/registry.ts';
import { planJobs } from '../../../../src/rules/plan-jobs.ts';
import { compileYaml, event, testContext } from '../../rules/test-context.ts';
import { timedOutAttempt } from './timed-out-attempt.ts';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** `mayHaveRun`: a retry, redelivery or replay rather than a fresh job's first attempt. */
async function post(handler: FakeHandler, build: (url: string) => Record<string, unknown>, jobId?: string, mayHaveRun = false) {
  api = await startFakeApi(handler);
  const params = CrosspostParamsSchema.parse(build(api.url));
  try {
    return {
      result: await crosspostAction.execute(params, { ...actionContext(testJob('crosspost', params, jobId), testDeps()), mayHaveRun }),
      requests: api.requests,
      failure: undefined,
    };
  } catch (error) {
    return { result: undefined, requests: api.requests, failure: classifyError(error, 1_000) };
  }
}

/** Mastodon: Bearer token, JSON status, 500 characters with URLs counted as 23. */
const mastodon: FakeHandler = (req) => {
  if (req.method !== 'POST' || req.path !== '/api/v1/statuses') return { status: 404, body: { error: 'Record not found' } };
  if (req.headers.authorization !== 'Bearer masto-token') return { status: 401, body: { error: 'The access token is invalid' } };
  const body = jsonBody(req);
  const status = typeof body.status === 'string' ? body.status : '';
  const length =
    [...status.replace(/https?:\/\/\S+/g, 'x'.repeat(23))].length +
    [...(typeof body.spoiler_text === 'string' ? body.spoiler_text : '')].length;
  if (length > 500) return { status: 422, body: { error: 'Validation failed: Text character limit of 500 exceeded' } };
  return { status: 200, body: { id: '1101', url: 'https://mastodon.example/@hub/1101', visibility: body.visibility } };
};

describe('crosspost: mastodon', () => {
  const params = (url: string, over: Record<string, unknown> = {}) => ({
    platform: 'mastodon',
    instance: url,
    token: 'masto-token',
    text: 'Shipped!',
    link: 'https://example.com/r',
    ...over,
  });

  it('posts status, visibility and content warning with the job id as Idempotency-Key', async () => {
    const { result, requests } = await post(mastodon, (url) =>
      params(url, { visibility: 'unlisted', spoiler: 'release notes', language: 'en' }),
    );
    expect(result).toEqual({ status: 200, response: 'posted https://mastodon.example/@hub/1101' });
    expect(jsonBody(requests[0]!)).toEqual({
      status: 'Shipped! https://example.com/r',
      visibility: 'unlisted',
      spoiler_text: 'release notes',
      language: 'en',
    });
    expect(requests[0]?.headers['idempotency-key']).toBe('evt_1:rule:0');
  });

  it('fits long text into 500 characters including the content warning', async () => {
    const long = 'word '.repeat(200);
    const { result, requests } = await post(mastodon, (url) => params(url, { text: long, spoiler: 'cw '.repeat(10) }));
    expect(result?.status).toBe(200);
    expect(String(jsonBody(requests[0]!).status)).toMatch(/word… https:\/\/example\.com\/r$/);
  });

  it("keeps Mastodon's error verbatim", async () => {
    const { failure } = await post(mastodon, (url) => params(url, { token: 'revoked' }));
    expect(failure).toMatchObject({ kind: 'permanent', status: 401, message: 'HTTP 401 from Mastodon: The access token is invalid' });
  });
});

/**
 * Bluesky PDS: createSession (app password) → accessJwt + DID document; createRecord with Bearer. A
 * record key that exists already gets a 500, as the reference PDS answers it today
 * (https://github.com/bluesky-social/atproto/issues/3718). `hold` keeps the answer to the next
 * createRecord back (the record is written): the client gives up first, as after a timeout.
 */

function blueskyPds(state: { posts: Map<string, unknown>; hold?: () => Promise<FakeReply> }): FakeHandler {
  return (req): FakeReply | Promise<FakeReply> => {
    if (req.method === 'POST' && req.path === '/xrpc/com.atproto.server.createSession') {
      const body = jsonBody(req);
      if (body.identifier !== 'hub.example.com' || body.password !== 'app-pass-word')
        return { status: 401, body: { error: 'AuthenticationRequired', message: 'Invalid identifier or password' } };
      return {
        status: 200,
        body: {
          did: 'did:plc:hub',
          handle: 'hub.example.com',
          accessJwt: 'jwt-access',
          refreshJwt: 'jwt-refresh',
          didDoc: { service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: `http://${req.headers.host}` }] },
        },
      };
    }
    if (req.headers.authorization !== 'Bearer jwt-access')
      return { status: 401, body: { error: 'AuthenticationRequired', message: 'Authentication Required' } };
    if (req.method === 'POST' && req.path === '/xrpc/com.atproto.repo.createRecord') {
      const body = jsonBody(req);
      const record = body.record as Record<string, unknown>;
      if (body.repo !== 'did:plc:hub' || body.collection !== 'app.bsky.feed.post' || record.$type !== 'app.bsky.feed.post')
        return { status: 400, body: { error: 'InvalidRequest', message: 'Input/record must be an app.bsky.feed.post' } };
      if ([...new Intl.Segmenter().segment(String(record.text))].length > 300)
        return {
          status: 400,
          body: {
            error: 'InvalidRequest',
            message: 'Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes',
          },
        };
      const rkey = String(body.rkey);
      if (state.posts.has(rkey)) return { status: 500, body: { error: 'InternalServerError', message: 'Internal Server Error' } };
      state.posts.set(rkey, record);
      const hold = state.hold;
      state.hold = undefined;
      if (hold) return hold();
      return { status: 200, body: { uri: `at://did:plc:hub/app.bsky.feed.post/${rkey}`, cid: 'bafyrei' } };
    }
    if (req.method === 'GET' && req.path === '/xrpc/com.atproto.repo.getRecord') {
      const rkey = req.query.get('rkey') ?? '';
      return state.posts.has(rkey)
        ? { status: 200, body: { uri: `at://did:plc:hub/app.bsky.feed.post/${rkey}`, value: state.posts.get(rkey) } }
        : { status: 400, body: { error: 'RecordNotFound', message: 'Could not locate record' } };
    }
    return { status: 404, body: { error: 'MethodNotImplemented', message: 'Method Not Implemented' } };
  };
}

describe('crosspost: bluesky', () => {
  const params = (url: string, over: Record<string, unknown> = {}) => ({
    platform: 'bluesky',
    service: url,
    identifier: 'hub.example.com',
    password: 'app-pass-word',
    text: 'Release notes for v2 ✨ #hookhub',
    link: 'https://example.com/releases/v2.0.0...-long-name',
    langs: ['en'],
    ...over,
  });

  it('creates a session, then a post record with link and tag facets and a job-derived record key', async () => {
    const state = { posts: new Map<string, unknown>() };
    const { result, requests } = await post(blueskyPds(state), (url) => params(url));
    const rkey = jobTid('evt_1:rule:0', '2026-11-28T11:59:00.000Z');
    expect(result).toEqual({ status: 200, response: `posted at://did:plc:hub/app.bsky.feed.post/${rkey}` });
    expect(requests.map((r) => r.path)).toEqual(['/xrpc/com.atproto.server.createSession', '/xrpc/com.atproto.repo.createRecord']);
    const record = (jsonBody(requests[1]!).record ?? {}) as {
      text: string;
      facets: { index: { byteStart: number; byteEnd: number }; features: unknown[] }[];
      createdAt: string;
      langs: string[];
    };
    expect(record.text).toBe('Release notes for v2 ✨ #hookhub example.com/releases/v2.0.0...');
    expect(record.createdAt).toBe('2026-11-28T11:59:00.000Z');
    const bytes = Buffer.from(record.text);
    expect(record.facets.map((f) => bytes.subarray(f.index.byteStart, f.index.byteEnd).toString())).toEqual([
      '#hookhub',
      'example.com/releases/v2.0.0...',
    ]);
    expect(record.facets[1]?.features).toEqual([
      { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/releases/v2.0.0...-long-name' },
    ]);
  });

  it('a retry after a timeout finds its record (the PDS answers 500 to the same key) instead of posting twice', async () => {
    const state: Parameters<typeof blueskyPds>[0] = { posts: new Map<string, unknown>() };
    api = await startFakeApi(blueskyPds(state));
    const parsed = CrosspostParamsSchema.parse(params(api.url));
    const job = testJob('crosspost', parsed);
    // The PDS has written the record; its answer comes only after the attempt's deadline.
    await timedOutAttempt(state, parsed, job);
    expect(state.posts.size).toBe(1);

    const retry = await crosspostAction.execute(parsed, actionContext(job, testDeps()));
    expect(retry.response).toMatch(/^already posted at:\/\/did:plc:hub\/app\.bsky\.feed\.post\//);
    expect(state.posts.size).toBe(1);
  });

  it('a replay of the event (the job planned again, with a new createdAt) finds its record instead of posting twice', async () => {
    const state = { posts: new Map<string, unknown>() };
    api = await startFakeApi(blueskyPds(state));
    const registry: ActionRegistry = { crosspost: crosspostAction };
    const loaded = compileYaml(
      `rules:
  - name: announce
    on: github.release.published
    do:
      - crosspost: { platform: bluesky, service: "${api.url}", identifier: hub.example.com, password: app-pass-word, text: "{{title}}" }
`,
      { ...testContext, registry },
    );
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    const released = event({ type: 'github.release.published', title: 'v2 is out' });
    const [verdict] = loaded.ruleSet.explain(released);
    const plan = (at: string) => planJobs(verdict!, released, { registry, now: () => new Date(at) }).jobs[0]!;
    const run = (job: Job) => crosspostAction.execute(CrosspostParamsSchema.parse(job.params), actionContext(job, testDeps()));
    const first = plan('2026-11-28T11:59:00.000Z');
    const replayed = plan('2026-12-02T09:30:00.000Z');
    expect(replayed.id).toBe(first.id);

    expect((await run(first)).response).toMatch(/^posted at:/);
    expect((await run(replayed)).response).toMatch(/^already posted at:/);
    expect(state.posts.size).toBe(1);
  });

  it('keeps record keys valid TIDs for any event time', () => {
    for (const time of ['1900-01-01T00:00:00.000Z', '2026-11-28T11:59:00.000Z', '+275760-09-13T00:00:00.000Z']) {
      expect(jobTid('evt_1:rule:0', time)).toMatch(/^[234567a-j][234567a-z]{12}$/);
    }
  });

  it("keeps Bluesky's error verbatim (wrong app password)", async () => {
    const { failure } = await post(blueskyPds({ posts: new Map() }), (url) => params(url, { password: 'nope' }));
    expect(failure).toMatchObject({
      kind: 'permanent',
      status: 401,
      message: 'HTTP 401 from Bluesky (createSession): AuthenticationRequired: Invalid identifier or password',
    });
  });
});

interface GraphPost {
  id: string;
  message: string;
  link?: string;
  created: number;
}

/** As Graph shows a link post's share attachment: `url` through Facebook's redirect, `unshimmed_url` as posted. */
function attachments(link: string | undefined) {
  if (link === undefined) return undefined;
  const shim = `https://l.facebook.com/l.php?${new URLSearchParams({ u: link, h: 'AT0x' })}`;
  return { data: [{ type: 'share', url: shim, unshimmed_url: link }] };
}

/**
 * Graph API: a form POST to /{page}/feed with message, link and the Page token; GET /{page}/published_posts
 * (token in the Authorization header) lists the Page's posts newest first, in pages with cursors.
 * Errors as { error: { message, type, code } }. `hold` keeps the answer to the next post back (the
 * post is made): the client gives up first, as after a timeout.
 */
function graphApi(state: { posts: GraphPost[]; now: number; hold?: () => Promise<FakeReply> }): FakeHandler {
  const tokenError = (token: string | null): FakeReply | undefined => {
    if (token === 'throttled')
      return {
        status: 400,
        body: { error: { message: '(#32) Page request limit reached', type: 'OAuthException', code: 32, fbtrace_id: 'A1' } },
      };
    if (token !== 'EAAB-page-token')
      return {
        status: 400,
        body: {
          error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'A2' },
        },
      };
    return undefined;
  };
  return (req) => {
    if (req.query.has('access_token')) return { status: 400, body: { error: { message: 'token in URL', code: 1 } } };
    if (req.method === 'GET' && req.path === '/v23.0/1234567890/published_posts') {
      const refused = tokenError((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (refused) return refused;
      const since = Number(req.query.get('since') ?? 0);
      const limit = Number(req.query.get('limit') ?? 25);
      const from = Number(req.query.get('after') ?? 0);
      const listed = state.posts.filter((p) => p.created >= since).sort((a, b) => b.created - a.created);
      // Only the fields asked for, as Graph does.
      const withLinks = (req.query.get('fields') ?? '').includes('attachments{');
      const data = listed.slice(from, from + limit).map((p) => ({
        id: p.id,
        message: p.message,
        created_time: new Date(p.created * 1000),
        ...(withLinks && p.link !== undefined ? { attachments: attachments(p.link) } : {}),
      }));
      const more = from + limit < listed.length;
      return {
        status: 200,
        body: { data, paging: { cursors: { after: String(from + limit) }, ...(more ? { next: 'https://graph/next' } : {}) } },
      };
    }
    if (req.method !== 'POST' || req.path !== '/v23.0/1234567890/feed')
      return { status: 400, body: { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500 } } };
    const form = new URLSearchParams(req.body);
    const refused = tokenError(form.get('access_token'));
    if (refused) return refused;
    const link = form.get('link') ?? undefined;
    const post = {
      id: `1234567890_${9000 + state.posts.length}`,
      message: form.get('message') ?? '',
      created: state.now,
      ...(link ? { link } : {}),
    };
    state.posts.push(post);
    const hold = state.hold;
    state.hold = undefined;
    return hold ? hold() : { status: 200, body: { id: post.id } };
  };
}

describe('crosspost: facebook', () => {
  const params = (url: string, over: Record<string, unknown> = {}) => ({
    platform: 'facebook',
    graph: url,
    pageId: '1234567890',
    token: 'EAAB-page-token',
    text: 'Hello Page',
    link: 'https://example.com/r',
    ...over,
  });
  const pageState = (posts: GraphPost[] = []) => ({ posts, now: Date.parse('2026-11-28T12:00:00Z') / 1000 });

  it('a first attempt posts message and link to the Page feed with the token and appsecret_proof in the body, reading nothing', async () => {
    const { result, requests } = await post(graphApi(pageState()), (url) => params(url, { appSecret: 'app-secret' }));
    expect(result).toEqual({ status: 200, response: 'posted 1234567890_9000' });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v23.0/1234567890/feed']);
    const form = Object.fromEntries(new URLSearchParams(requests[0]!.body));
    expect(form).toMatchObject({ message: 'Hello Page', link: 'https://example.com/r', access_token: 'EAAB-page-token' });
    expect(form.appsecret_proof).toMatch(/^[0-9a-f]{64}$/);
  });

  it('two jobs with the same text and different links, both on their first attempt, make two posts', async () => {
    const state = pageState();
    api = await startFakeApi(graphApi(state));
    const run = async (jobId: string, link: string) => {
      const parsed = CrosspostParamsSchema.parse(params(api!.url, { text: 'New release is out!', link }));
      return crosspostAction.execute(parsed, actionContext(testJob('crosspost', parsed, jobId), testDeps()));
    };
    expect(await run('evt_1:release:0', 'https://example.com/releases/v1.2.0')).toEqual({
      status: 200,
      response: 'posted 1234567890_9000',
    });
    expect(await run('evt_2:release:0', 'https://example.com/releases/v1.3.0')).toEqual({
      status: 200,
      response: 'posted 1234567890_9001',
    });
    expect(state.posts.map((p) => p.link)).toEqual(['https://example.com/releases/v1.2.0', 'https://example.com/releases/v1.3.0']);
    expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(0);
  });

  it('a retry after a timeout finds the post the timed-out attempt made instead of posting twice', async () => {
    const state: Parameters<typeof graphApi>[0] = pageState();
    api = await startFakeApi(graphApi(state));
    const parsed = CrosspostParamsSchema.parse(params(api.url, { appSecret: 'app-secret' }));
    const job = testJob('crosspost', parsed);
    // Facebook has made the post; its answer comes only after the attempt's deadline.
    await timedOutAttempt(state, parsed, job);
    expect(state.posts).toHaveLength(1);

    const retry = await crosspostAction.execute(parsed, { ...actionContext(job, testDeps()), mayHaveRun: true });
    expect(retry).toEqual({ status: 200, response: 'already posted 1234567890_9000' });
    expect(state.posts).toHaveLength(1);
    const read = api.requests.find((r) => r.method === 'GET');
    expect(read?.path).toBe('/v23.0/1234567890/published_posts');
    expect(read?.headers.authorization).toBe('Bearer EAAB-page-token');
    expect(read?.query.get('appsecret_proof')).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a retry whose only post with the same text links elsewhere (another job's) posts", async () => {
    const state = pageState([
      { id: '1234567890_1', message: 'Hello Page', link: 'https://example.com/other', created: Date.parse('2026-11-28T11:59:10Z') / 1000 },
    ]);
    const { result, requests } = await post(graphApi(state), (url) => params(url), undefined, true);
    expect(result).toEqual({ status: 200, response: 'posted 1234567890_9001' });
    expect(requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(state.posts).toHaveLength(2);
  });

  it('a replay (the job planned again later) finds the post among older pages of the feed, by its link however Facebook spells it', async () => {
    const created = Date.parse('2026-11-28T11:59:30Z') / 1000;
    const state = pageState([{ id: '1234567890_1', message: 'Hello Page', link: 'https://EXAMPLE.com/r/', created }]);
    for (let i = 0; i < 30; i++) state.posts.push({ id: `1234567890_${100 + i}`, message: `later post ${i}`, created: state.now + i });
    api = await startFakeApi(graphApi(state));
    const parsed = CrosspostParamsSchema.parse(params(api.url));
    const replayed = { ...testJob('crosspost', parsed), createdAt: '2026-12-02T09:30:00.000Z', eventTime: '2026-11-28T11:58:00.000Z' };
    const result = await crosspostAction.execute(parsed, { ...actionContext(replayed, testDeps()), mayHaveRun: true });
    expect(result).toEqual({ status: 200, response: 'already posted 1234567890_1' });
    expect(state.posts).toHaveLength(31);
  });

  it('a retry posts when the Page shows only other posts, and an older one with the same text from before the job', async () => {
    const state = pageState([
      { id: '1234567890_1', message: 'Hello Page', link: 'https://example.com/r', created: Date.parse('2026-11-20T09:00:00Z') / 1000 },
      {
        id: '1234567890_2',
        message: 'Hello Page, again',
        link: 'https://example.com/r',
        created: Date.parse('2026-11-28T11:59:10Z') / 1000,
      },
    ]);
    const { result } = await post(graphApi(state), (url) => params(url), undefined, true);
    expect(result).toEqual({ status: 200, response: 'posted 1234567890_9002' });
    expect(state.posts).toHaveLength(3);
  });

  it('an invalid token (code 190) is permanent with the Graph message verbatim', async () => {
    const { failure, requests } = await post(graphApi(pageState()), (url) => params(url, { token: 'bad' }), undefined, true);
    expect(failure).toMatchObject({
      kind: 'permanent',
      message:
        'HTTP 400 from Facebook (reading the Page posts to avoid a double post): Invalid OAuth access token - Cannot parse access token (OAuthException code 190)',
    });
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('a throttling code (32) is retried even though it comes as HTTP 400', async () => {
    const { failure } = await post(graphApi(pageState()), (url) => params(url, { token: 'throttled' }));
    expect(failure).toMatchObject({
      kind: 'retry',
      status: 400,
      message: 'HTTP 400 from Facebook: (#32) Page request limit reached (OAuthException code 32)',
    });
  });
});

describe('crosspost: dryRun', () => {
  it('records the exact post and sends nothing', async () => {
    const { result, requests } = await post(mastodon, (url) => ({
      platform: 'mastodon',
      instance: url,
      token: 'masto-token',
      text: 'Hi',
      dryRun: true,
    }));
    expect(requests).toHaveLength(0);
    expect(JSON.parse(result?.response ?? '{}')).toEqual({
      dryRun: true,
      platform: 'mastodon',
      text: 'Hi',
      request: { status: 'Hi', visibility: 'public' },
    });
    expect(result?.response).not.toContain('masto-token');
  });
});
