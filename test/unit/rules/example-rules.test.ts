/**
 * Every example in rules/ is loaded (with the test actions and with the real action registry)
 * and each rule is exercised against a realistic event, so no example can go stale.
 */
import { readFile } from 'node:fs/promises';
import { loadGithubFixture, type GithubFixture } from '../../helpers/github-fixture.ts';
import { describe, expect, it } from 'vitest';
import { normalizeGithub } from '../../../connectors/github/normalize.ts';
import { normalizeStripe } from '../../../connectors/stripe/normalize.ts';
import { actions } from '../../../src/actions/index.ts';
import { createHubEvent, type HubEvent } from '../../../src/events/hub-event.ts';
import { dryRun } from '../../../src/rules/dry-run.ts';
import { loadRuleSet } from '../../../src/rules/load-rule-set.ts';
import { scheduleEventType } from '../../../src/rules/rule.ts';
import { fixedNow, testContext, testRegistry } from './test-context.ts';
import { metaSample } from '../../../src/meta/meta-samples.ts';
import { rejectionsEvent } from '../../../src/meta/meta-builders.ts';
import { anyString, stringMatching } from '../../helpers/matchers.ts';

const exampleContext = { ...testContext, channels: ['eng', 'payments', 'releases', 'ops'] };

async function github(name: string, mutate?: (payload: GithubFixture) => void): Promise<HubEvent> {
  const payload = await loadGithubFixture(name);
  mutate?.(payload);
  const summary = normalizeGithub(name.split('.')[0]!, payload);
  return createHubEvent({ id: `gh-${name}`, connector: 'github', data: payload, ...summary }, fixedNow);
}

async function stripe(name: string): Promise<HubEvent> {
  const payload = JSON.parse(await readFile(new URL(`./fixtures/stripe-${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
  const { id, type, time, subject, title, url } = normalizeStripe(payload);
  return createHubEvent({ id, type, time, subject, title, url, connector: 'stripe', data: payload }, fixedNow);
}

/** Examples use every action type, so they are routed with the real registry. */
const realContext = { ...exampleContext, registry: actions };

async function run(ev: HubEvent) {
  const loaded = await loadRuleSet('rules', realContext);
  return dryRun(loaded.ruleSet, ev, { registry: actions, now: () => fixedNow });
}

const exercised = new Set<string>();
function only(result: Awaited<ReturnType<typeof run>>, rule: string) {
  expect(result.matched.map((m) => m.rule)).toEqual([rule]);
  const [match] = result.matched;
  expect(match?.errors).toEqual([]);
  exercised.add(rule);
  return match!.jobs.map((j) => j.params);
}

describe('example rules', () => {
  it('load without problems with the real action registry', async () => {
    const loaded = await loadRuleSet('rules', realContext);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.ruleSet.files.length).toBeGreaterThanOrEqual(3);
  });

  it('keep their whole descriptions, "#channel" included', async () => {
    const { ruleSet } = await loadRuleSet('rules', realContext);
    const description = (name: string) => ruleSet.rules.find((r) => r.name === name)?.description;
    expect(description('release-crosspost')).toBe('Published (non-prerelease) releases, announced on #releases.');
    expect(description('failed-payment-alert')).toBe('Live-mode payment failures of 100.00 or more go to #payments.');
  });

  it('the notify and webhook examples also validate against the test stand-ins of those actions', async () => {
    const loaded = await loadRuleSet(['rules/github.yaml', 'rules/payments.yaml'], { ...exampleContext, registry: testRegistry });
    expect(loaded.diagnostics).toEqual([]);
  });

  it('upgrade-on-payment posts a JSON body that survives quotes and newlines', async () => {
    const [params] = only(await run(await stripe('payment_intent.succeeded')), 'upgrade-on-payment');
    expect(params).toMatchObject({ url: 'https://api.example.com/internal/upgrades', method: 'POST' });
    const body = JSON.parse(JSON.stringify((params as { body: unknown }).body)) as unknown;
    expect(body).toEqual({
      userId: 'u_"quoted"\n42',
      plan: 'pro',
      amount: 4900,
      currency: 'USD',
      paymentId: 'pi_3QpSucc0000000000000001',
      paidAt: '2026-01-05T10:00:00.000Z',
    });
  });

  it('failed-payment-alert formats a zero-decimal currency and escapes Slack control characters', async () => {
    const [params] = only(await run(await stripe('payment_intent.payment_failed')), 'failed-payment-alert');
    expect(params).toMatchObject({
      channel: 'payments',
      title: 'Payment failed: ¥1,500,000',
      text: 'Your card was declined &lt;insufficient funds&gt; &amp; more. (customer cus_R9z8y7x6w5)',
      fields: [
        { title: 'Payment', value: 'pi_3QpFail0000000000000001' },
        { title: 'When', value: 'Jan 5, 2026, 11:00 AM' },
      ],
    });
  });

  it('prs-to-eng notifies for a ready PR and explains why a dependency bump is skipped', async () => {
    const [params] = only(await run(await github('pull_request.opened')), 'prs-to-eng');
    expect(params).toMatchObject({
      channel: 'eng',
      fields: [
        { title: 'Author', value: anyString() },
        { title: 'Labels', value: 'backend' },
      ],
    });
    const bump = await run(await github('pull_request.opened', (p) => void p.pull_request.labels.push({ name: 'dependencies' })));
    expect(bump.matched).toEqual([]);
    expect(bump.nearMisses).toMatchObject([
      { rule: 'prs-to-eng', reason: 'when', failed: [{ clause: 'data.pull_request.labels.name', actual: ['backend', 'dependencies'] }] },
    ]);
  });

  it('new-issues colours bugs red', async () => {
    const [params] = only(await run(await github('issues.opened')), 'new-issues');
    expect(params).toMatchObject({
      channel: 'eng',
      color: 'danger',
      title: 'Issue acme/api#' + (await github('issues.opened')).subject?.split('#')[1] + ': 500 on GET /orders when the cursor is expired',
    });
  });

  it('ci-failures alerts on a failed workflow run on main', async () => {
    const [params] = only(await run(await github('workflow_run.completed', (p) => (p.workflow_run.head_branch = 'main'))), 'ci-failures');
    expect(params).toMatchObject({ channel: 'eng', color: 'danger', url: 'https://github.com/acme/api/actions/runs/9086142211' });
    expect(String((params as { title: string }).title)).toBe('CI failure: CI on acme/api@main');
  });

  it('release-crosspost announces published releases but not prereleases', async () => {
    const [params] = only(await run(await github('release.published')), 'release-crosspost');
    expect(params).toMatchObject({ channel: 'releases', title: 'acme/api v2.4.0 is out' });
    const pre = await run(await github('release.published', (p) => (p.release.prerelease = true)));
    expect(pre.matched).toEqual([]);
  });

  it.each([
    ['weekly-engineering-digest', { cron: '0 9 * * MON', timezone: 'Europe/Berlin' }],
    ['daily-payments-summary', { cron: '0 7 * * *', timezone: 'UTC' }],
  ])('%s is a scheduled rule that renders its report action from the schedule event', async (name, schedule) => {
    const loaded = await loadRuleSet('rules', realContext);
    expect(loaded.ruleSet.scheduled.find((r) => r.name === name)?.schedule).toEqual(schedule);
    const tick = createHubEvent({ id: `sched-${name}`, type: scheduleEventType(name), connector: 'hookhub', data: {} }, fixedNow);
    const [params] = only(await run(tick), name);
    expect(params).toMatchObject({ template: name, output: './reports' });
    expect(actions.report?.paramsSchema.safeParse(params).success).toBe(true);
  });

  it('hub-trouble sends dead letters, open circuits, stalls and reload failures to ops with their title', async () => {
    for (const type of ['job.dead_lettered', 'destination.circuit_opened', 'consumer.stalled', 'rules.reload_failed']) {
      const [params] = only(await run(metaSample(type, fixedNow, type)), 'hub-trouble');
      expect(params).toMatchObject({ channel: 'ops', title: `hookhub: hookhub.${type}` });
    }
    const [dead] = only(await run(metaSample('job.dead_lettered', fixedNow, 'x')), 'hub-trouble');
    expect((dead as { text: string }).text).toBe(
      'Job of rule notify-payments (notify to payments) dead-lettered after 10 attempts: attempts exhausted (10): HTTP 503 Service Unavailable',
    );
    expect((await run(metaSample('destination.circuit_closed', fixedNow, 'y'))).matched).toEqual([]);
  });

  it('signature-failures fires on a spike of bad signatures only', async () => {
    const window = { connector: 'github', since: '2026-01-05T09:55:00.000Z', until: '2026-01-05T10:00:00.000Z' };
    const [params] = only(
      await run(rejectionsEvent({ ...window, counts: { bad_signature: 12, malformed: 1 } }, fixedNow)),
      'signature-failures',
    );
    expect(params).toMatchObject({
      channel: 'ops',
      title: 'Webhooks refused on github',
      text: stringMatching(/^13 webhooks refused on connector github \(12 bad_signature, 1 malformed\)\. Check/),
    });
    expect((await run(rejectionsEvent({ ...window, counts: { bad_signature: 2 } }, fixedNow))).matched).toEqual([]);
    const hint = 'the signature does not verify: check that connectors.github.secret in hookhub.yaml is the value set at the provider';
    const [hinted] = only(
      await run(rejectionsEvent({ ...window, counts: { bad_signature: 12 }, hints: { bad_signature: hint } }, fixedNow)),
      'signature-failures',
    );
    expect(hinted).toMatchObject({ text: `12 webhooks refused on connector github (12 bad_signature). ${hint}` });
  });

  it('every example rule has been exercised above', async () => {
    const loaded = await loadRuleSet('rules', realContext);
    expect([...exercised].sort()).toEqual(loaded.ruleSet.rules.map((r) => r.name).sort());
  });
});
