/** The opt-in automation examples (rules/automations) load with the real registry and render sensible jobs. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { normalizeGithub } from '../../../../connectors/github/normalize.ts';
import { CiParamsSchema } from '../../../../src/actions/ci/ci-params.ts';
import { CrosspostParamsSchema } from '../../../../src/actions/crosspost/crosspost-params.ts';
import { preparePost } from '../../../../src/actions/crosspost/index.ts';
import { actions } from '../../../../src/actions/index.ts';
import { createHubEvent, type HubEvent } from '../../../../src/events/hub-event.ts';
import { dryRun } from '../../../../src/rules/dry-run.ts';
import { loadRuleSet } from '../../../../src/rules/load-rule-set.ts';
import { testJob } from '../ci/fake-api.ts';

const now = new Date('2026-11-28T12:00:00Z');
const context = { registry: actions, channels: ['marketing'], connectors: ['github', 'stripe', 'meta'] };

async function githubEvent(name: string, mutate?: (p: Record<string, any>) => void): Promise<HubEvent> {
  const payload = JSON.parse(await readFile(new URL(`../../../../connectors/github/fixtures/${name}.json`, import.meta.url), 'utf8'));
  mutate?.(payload);
  return createHubEvent({ id: `gh-${name}`, connector: 'github', data: payload, ...normalizeGithub(name.split('.')[0]!, payload) }, now);
}

async function route(event: HubEvent) {
  const loaded = await loadRuleSet('rules/automations', context);
  expect(loaded.diagnostics).toEqual([]);
  const result = dryRun(loaded.ruleSet, event, { registry: actions, now: () => now });
  for (const m of result.matched) expect(m.errors).toEqual([]);
  return result;
}

describe('automation examples', () => {
  it('a published release dispatches the deploy workflow and crossposts to three platforms', async () => {
    const event = await githubEvent('release.published');
    const result = await route(event);
    expect(result.matched.map((m) => m.rule)).toEqual(['deploy-on-release', 'announce-release']);
    const deploy = CiParamsSchema.parse(result.matched[0]?.jobs[0]?.params);
    expect(deploy).toMatchObject({ provider: 'github', owner: 'acme', repo: 'api', workflow: 'deploy.yml', ref: 'v2.4.0' });
    const posts = result.matched[1]!.jobs.map((j) => CrosspostParamsSchema.parse(j.params));
    expect(posts.map((p) => p.platform)).toEqual(['mastodon', 'bluesky', 'facebook']);
    const bluesky = preparePost(posts[1]!, testJob('crosspost'));
    expect(bluesky.text).toBe('api v2.4.0 is out! #release github.com/acme/api/release...');
    expect(posts[2]?.approval?.channel).toBe('marketing');
  });

  it('prereleases are not announced', async () => {
    const result = await route(await githubEvent('release.published', (p) => (p.release.prerelease = true)));
    expect(result.matched.map((m) => m.rule)).toEqual(['deploy-on-release']);
  });

  it('a merged PR to main triggers GitLab, Jenkins and CircleCI', async () => {
    const event = await githubEvent('pull_request.opened', (p) => {
      p.action = 'closed';
      p.pull_request.merged = true;
      p.pull_request.merge_commit_sha = 'abc123';
      p.pull_request.base.ref = 'main';
    });
    const result = await route({ ...event, type: 'github.pull_request.closed' });
    const params = result.matched[0]!.jobs.map((j) => CiParamsSchema.parse(j.params));
    expect(params.map((p) => p.provider)).toEqual(['gitlab', 'jenkins', 'circleci']);
    expect(params[0]).toMatchObject({ variables: { UPSTREAM_SHA: 'abc123' } });
  });

  it('a Stripe dispute sends a repository_dispatch; an Instagram change is a dry run', async () => {
    const dispute = createHubEvent({ id: 'evt_d', type: 'stripe.charge.dispute.created', connector: 'stripe', data: { data: { object: { id: 'dp_1', amount: 500 } } } }, now);
    const [job] = (await route(dispute)).matched[0]!.jobs;
    expect(CiParamsSchema.parse(job?.params)).toMatchObject({ eventType: 'stripe-dispute', clientPayload: { dispute: 'dp_1', amount: '500' } });
    const insta = createHubEvent({ id: 'm1', type: 'meta.instagram.comments', connector: 'meta', data: { value: { caption: 'Sunset' } } }, now);
    const [post] = (await route(insta)).matched[0]!.jobs;
    expect(CrosspostParamsSchema.parse(post?.params)).toMatchObject({ dryRun: true, text: 'New on Instagram: Sunset' });
  });
});
