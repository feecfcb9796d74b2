/** The opt-in automation examples (rules/automations) load with the real registry and render sensible jobs. */
import { loadGithubFixture, type GithubFixture } from '../../../helpers/github-fixture.ts';
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
import { stringMatching } from '../../../helpers/matchers.ts';

const now = new Date('2026-11-28T12:00:00Z');
/** The variables the examples read; in the hub they come from the environment. */
const vars = {
  GITHUB_TOKEN: 'ghp_example',
  GITLAB_TRIGGER_TOKEN: 'glptt-example',
  JENKINS_API_TOKEN: 'jenkins-example',
  CIRCLECI_TOKEN: 'cci-example',
  MASTODON_TOKEN: 'masto-example',
  BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
  FACEBOOK_PAGE_TOKEN: 'EAAB-example',
  HOOKHUB_APPROVAL_SECRET: 'an-approval-secret-of-at-least-32-chars',
};
const context = { registry: actions, channels: ['marketing'], connectors: ['github', 'stripe', 'meta'], vars };

async function githubEvent(name: string, mutate?: (p: GithubFixture) => void): Promise<HubEvent> {
  const payload = await loadGithubFixture(name);
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
  it('name every variable they need: unset ones are load errors at file:line', async () => {
    const loaded = await loadRuleSet('rules/automations', { ...context, vars: {} });
    expect(loaded.ok).toBe(false);
    expect(
      loaded.diagnostics
        .filter((d) => d.message.startsWith('environment variable'))
        .map((d) => /variable (\w+)/.exec(d.message)?.[1])
        .sort(),
    ).toEqual(
      [
        'CIRCLECI_TOKEN',
        'FACEBOOK_PAGE_TOKEN',
        'GITHUB_TOKEN',
        'GITHUB_TOKEN',
        'GITLAB_TRIGGER_TOKEN',
        'HOOKHUB_APPROVAL_SECRET',
        'JENKINS_API_TOKEN',
        'MASTODON_TOKEN',
        'MASTODON_TOKEN',
        'BLUESKY_APP_PASSWORD',
      ].sort(),
    );
  });

  it('a published release dispatches the deploy workflow and crossposts to three platforms', async () => {
    const event = await githubEvent('release.published');
    const result = await route(event);
    expect(result.matched.map((m) => m.rule)).toEqual(['deploy-on-release', 'announce-release']);
    const deploy = CiParamsSchema.parse(result.matched[0]?.jobs[0]?.params);
    expect(deploy).toMatchObject({ provider: 'github', owner: 'acme', repo: 'api', workflow: 'deploy.yml', ref: 'v2.4.0' });
    // The dry run redacts secrets (the approval secret among them), so only the others are re-parsed.
    const jobs = result.matched[1]!.jobs;
    expect(jobs.map((j) => j.params.platform)).toEqual(['mastodon', 'bluesky', 'facebook']);
    const posts = jobs.slice(0, 2).map((j) => CrosspostParamsSchema.parse(j.params));
    const bluesky = preparePost(posts[1]!, testJob('crosspost'));
    expect(bluesky.text).toBe('api v2.4.0 is out! #release github.com/acme/api/release...');
    expect(jobs[2]?.params.approval).toEqual({
      channel: 'marketing',
      url: 'https://hooks.example.com',
      secret: stringMatching(/^\[redacted/),
      expires: '24h',
    });
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
    const dispute = createHubEvent(
      { id: 'evt_d', type: 'stripe.charge.dispute.created', connector: 'stripe', data: { data: { object: { id: 'dp_1', amount: 500 } } } },
      now,
    );
    const [job] = (await route(dispute)).matched[0]!.jobs;
    expect(CiParamsSchema.parse(job?.params)).toMatchObject({
      eventType: 'stripe-dispute',
      clientPayload: { dispute: 'dp_1', amount: '500' },
    });
    const insta = createHubEvent(
      { id: 'm1', type: 'meta.instagram.comments', connector: 'meta', data: { value: { caption: 'Sunset' } } },
      now,
    );
    const [post] = (await route(insta)).matched[0]!.jobs;
    expect(CrosspostParamsSchema.parse(post?.params)).toMatchObject({ dryRun: true, text: 'New on Instagram: Sunset' });
  });
});
