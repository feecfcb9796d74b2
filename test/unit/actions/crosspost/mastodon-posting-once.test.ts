import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/actions/action.ts';
import { CrosspostParamsSchema, type CrosspostParams } from '../../../../src/actions/crosspost/crosspost-params.ts';
import { crosspostAction } from '../../../../src/actions/crosspost/index.ts';
import { classifyError } from '../../../../src/actions/runtime/classify-error.ts';
import { actionContext } from '../../../helpers/action-context.ts';
import { silentLogger } from '../../../helpers/hub-fixtures.ts';
import { startFakeApi, testDeps, testJob, type FakeApi } from '../ci/fake-api.ts';
import { fakeMastodon, MASTODON_BASE, mastodonState, statusId, type MastodonState } from './fake-mastodon.ts';
import { timedOutAttempt } from './timed-out-attempt.ts';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Escaping, a quote, a paragraph, a known and an unknown remote mention, a hashtag and a link longer than Mastodon shows. */
const TEXT = 'Release 2.0 "Otter" & <friends>: faster builds.\n\nThanks @alice@other.example and @bob@nowhere.example #release';
const LINK = 'https://www.example.com/releases/2.0.0/notes-and-full-changelog';
const FIRST_RUN = '2026-11-28T12:00:00Z';

async function instance(state: MastodonState, over: Record<string, unknown> = {}): Promise<CrosspostParams> {
  api = await startFakeApi(fakeMastodon(state));
  return CrosspostParamsSchema.parse({
    platform: 'mastodon',
    instance: api.url,
    token: 'masto-token',
    text: TEXT,
    link: LINK,
    spoiler: 'release notes',
    ...over,
  });
}

/** An attempt at `at` on the hub's clock and the instance's; `mayHaveRun` as the worker would set it. */
async function attempt(state: MastodonState, parsed: CrosspostParams, job: Job, at: string, mayHaveRun: boolean) {
  state.now = Date.parse(at);
  try {
    const deps = testDeps(new Date(at));
    return { result: await crosspostAction.execute(parsed, { ...actionContext(job, deps), mayHaveRun }), failure: undefined };
  } catch (error) {
    return { result: undefined, failure: classifyError(error, 1_000) };
  }
}

const reads = () => (api?.requests ?? []).filter((r) => r.method === 'GET');
const posts = () => (api?.requests ?? []).filter((r) => r.method === 'POST');

describe('crosspost: mastodon posts once', () => {
  it('a first attempt posts without reading the account', async () => {
    const state = mastodonState(FIRST_RUN);
    const parsed = await instance(state);
    const { result } = await attempt(state, parsed, testJob('crosspost', parsed), FIRST_RUN, false);
    expect(result).toEqual({ status: 200, response: `posted ${MASTODON_BASE}/@hub/${state.statuses[0]?.id}` });
    expect(reads()).toHaveLength(0);
  });

  it('a retry three hours after a timed-out post, its Idempotency-Key forgotten, finds the status instead of posting again', async () => {
    const state = mastodonState(FIRST_RUN);
    const parsed = await instance(state);
    const job = testJob('crosspost', parsed);
    // Mastodon made the status; its answer came after the attempt's deadline.
    await timedOutAttempt(state, parsed, job);
    expect(state.statuses).toHaveLength(1);

    const { result } = await attempt(state, parsed, job, '2026-11-28T15:00:00Z', true);
    expect(result).toEqual({ status: 200, response: `already posted ${MASTODON_BASE}/@hub/${state.statuses[0]?.id}` });
    expect(state.statuses).toHaveLength(1);
    expect(reads().map((r) => r.path)).toEqual(['/api/v1/accounts/verify_credentials', '/api/v1/accounts/109347/statuses']);
    expect(reads()[1]?.headers.authorization).toBe('Bearer masto-token');
    expect(Object.fromEntries(reads()[1]?.query ?? [])).toEqual({ limit: '20', exclude_reblogs: 'true', exclude_replies: 'true' });
  });

  it('a replay days later finds its status three pages down, under newer ones', async () => {
    const state = mastodonState(FIRST_RUN);
    const parsed = await instance(state);
    const job = { ...testJob('crosspost', parsed), eventTime: '2026-11-28T11:58:00.000Z' };
    await attempt(state, parsed, job, FIRST_RUN, false);
    const mine = state.statuses[0]?.id;
    for (let i = 0; i < 45; i++) {
      const createdAt = Date.parse(FIRST_RUN) + (i + 1) * 600_000;
      state.statuses.push({ id: statusId(createdAt), text: `Release 2.0 "Otter" & more, ${i}`, spoiler: 'release notes', createdAt });
    }
    // A replay plans the job again: a new createdAt, the same id and event time.
    const replayed = { ...job, createdAt: '2026-12-02T09:30:00.000Z' };
    const { result } = await attempt(state, parsed, replayed, '2026-12-02T09:30:01Z', true);
    expect(result).toEqual({ status: 200, response: `already posted ${MASTODON_BASE}/@hub/${mine}` });
    expect(state.statuses).toHaveLength(46);
    const pages = reads().filter((r) => r.path.endsWith('/statuses'));
    expect(pages.map((r) => r.query.get('max_id'))).toEqual([null, state.statuses[26]?.id, state.statuses[6]?.id]);
  });

  it('a retry posts when the same text shows only before the job, or under another content warning', async () => {
    const before = Date.parse('2026-11-20T09:00:00Z');
    const within = Date.parse('2026-11-28T12:30:00Z');
    const state = mastodonState(FIRST_RUN, [
      { id: statusId(before), text: `${TEXT} ${LINK}`, spoiler: 'release notes', createdAt: before },
      { id: statusId(within), text: `${TEXT} ${LINK}`, spoiler: 'spoilers for 2.0', createdAt: within },
      { id: statusId(within, 1), text: `${TEXT} https://www.example.com/releases/2.0.1`, spoiler: 'release notes', createdAt: within },
    ]);
    const parsed = await instance(state);
    const { result } = await attempt(state, parsed, testJob('crosspost', parsed), '2026-11-28T14:00:00Z', true);
    expect(result).toEqual({ status: 200, response: `posted ${MASTODON_BASE}/@hub/${state.statuses[3]?.id}` });
    expect(state.statuses).toHaveLength(4);
    expect(posts()).toHaveLength(1);
  });

  it('a retry that cannot read the statuses holds the post back, and says so', async () => {
    const state = mastodonState(FIRST_RUN);
    state.statusesFailure = { status: 503, body: { error: 'Service unavailable' } };
    const parsed = await instance(state);
    const job = testJob('crosspost', parsed);
    const unavailable = await attempt(state, parsed, job, '2026-11-28T14:00:00Z', true);
    expect(unavailable.failure).toMatchObject({
      kind: 'retry',
      status: 503,
      message:
        "HTTP 503 from Mastodon (reading the account's statuses to avoid a double post; the post was held back): Service unavailable",
    });
    state.statusesFailure = { status: 200, body: '<html><title>Maintenance</title></html>' };
    const garbled = await attempt(state, parsed, job, '2026-11-28T14:10:00Z', true);
    expect(garbled.failure).toMatchObject({
      kind: 'retry',
      message:
        "Mastodon: the account's statuses could not be read (the answer is not a list of statuses), so the post was held back in case an earlier attempt already made it",
    });
    expect(posts()).toHaveLength(0);
    expect(state.statuses).toHaveLength(0);
  });

  it('a token that may only post (the read answers 403) posts with its Idempotency-Key alone, and warns which scopes to add', async () => {
    const state = mastodonState(FIRST_RUN);
    state.statusesFailure = { status: 403, body: { error: 'This action is outside the authorized scopes' } };
    const parsed = await instance(state);
    const job = testJob('crosspost', parsed);
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (message: string) => warnings.push(message) } as unknown as typeof silentLogger;
    state.now = Date.parse('2026-11-28T12:20:00Z');
    const deps = testDeps(new Date(state.now));
    const result = await crosspostAction.execute(parsed, { ...actionContext(job, deps), log, mayHaveRun: true });
    expect(result).toEqual({ status: 200, response: `posted ${MASTODON_BASE}/@hub/${state.statuses[0]?.id}` });
    expect(posts()[0]?.headers['idempotency-key']).toBe(job.id);
    expect(warnings).toEqual([expect.stringContaining('give the token read:accounts and read:statuses')]);
  });
});
