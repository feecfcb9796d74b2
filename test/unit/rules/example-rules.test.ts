/**
 * Every example in rules/ is loaded (with the test actions and with the real action registry)
 * and each rule is exercised against a realistic event, so no example can go stale.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { normalizeGithub } from '../../../connectors/github/normalize.ts';
import { normalizeStripe } from '../../../connectors/stripe/normalize.ts';
import { actions } from '../../../src/actions/index.ts';
import { createHubEvent, type HubEvent } from '../../../src/events/hub-event.ts';
import { dryRun } from '../../../src/rules/dry-run.ts';
import { loadRuleSet } from '../../../src/rules/load-rule-set.ts';
import { scheduleEventType } from '../../../src/rules/rule.ts';
import { fixedNow, testContext, testRegistry } from './test-context.ts';

const exampleContext = { ...testContext, channels: ['eng', 'payments', 'releases'] };

async function github(name: string, mutate?: (payload: Record<string, any>) => void): Promise<HubEvent> {
  const payload = JSON.parse(await readFile(new URL(`../../../connectors/github/fixtures/${name}.json`, import.meta.url), 'utf8'));
  mutate?.(payload);
  const summary = normalizeGithub(name.split('.')[0]!, payload);
  return createHubEvent({ id: `gh-${name}`, connector: 'github', data: payload, ...summary }, fixedNow);
}

async function stripe(name: string): Promise<HubEvent> {
  const payload = JSON.parse(await readFile(new URL(`./fixtures/stripe-${name}.json`, import.meta.url), 'utf8'));
  const { id, type, time, subject, title, url } = normalizeStripe(payload);
  return createHubEvent({ id, type, time, subject, title, url, connector: 'stripe', data: payload }, fixedNow);
}

async function run(ev: HubEvent) {
  const loaded = await loadRuleSet('rules', exampleContext);
  return dryRun(loaded.ruleSet, ev, { registry: testRegistry, now: () => fixedNow });
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
  it('load without problems with the test actions and with the real action registry', async () => {
    for (const registry of [testRegistry, actions]) {
      const loaded = await loadRuleSet('rules', { ...exampleContext, registry });
      expect(loaded.diagnostics).toEqual([]);
      expect(loaded.ruleSet.files.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('upgrade-on-payment posts a JSON body that survives quotes and newlines', async () => {
    const [params] = only(await run(await stripe('payment_intent.succeeded')), 'upgrade-on-payment');
    expect(params).toMatchObject({ url: 'https://api.example.com/internal/upgrades', method: 'POST' });
    const body = JSON.parse(JSON.stringify((params as { body: unknown }).body));
    expect(body).toEqual({ userId: 'u_"quoted"\n42', plan: 'pro', amount: 4900, currency: 'USD', paymentId: 'pi_3QpSucc0000000000000001', paidAt: '2026-01-05T10:00:00.000Z' });
  });

  it('failed-payment-alert formats a zero-decimal currency and escapes Slack control characters', async () => {
    const [params] = only(await run(await stripe('payment_intent.payment_failed')), 'failed-payment-alert');
    expect(params).toMatchObject({
      channel: 'payments',
      title: 'Payment failed: ¥1,500,000',
      text: 'Your card was declined &lt;insufficient funds&gt; &amp; more. (customer cus_R9z8y7x6w5)',
      fields: [{ title: 'Payment', value: 'pi_3QpFail0000000000000001' }, { title: 'When', value: 'Jan 5, 2026, 11:00 AM' }],
    });
  });

  it('prs-to-eng notifies for a ready PR and explains why a dependency bump is skipped', async () => {
    const [params] = only(await run(await github('pull_request.opened')), 'prs-to-eng');
    expect(params).toMatchObject({ channel: 'eng', fields: [{ title: 'Author', value: expect.any(String) }, { title: 'Labels', value: 'backend' }] });
    const bump = await run(await github('pull_request.opened', (p) => p.pull_request.labels.push({ name: 'dependencies' })));
    expect(bump.matched).toEqual([]);
    expect(bump.nearMisses).toMatchObject([{ rule: 'prs-to-eng', reason: 'when', failed: [{ clause: 'data.pull_request.labels.name', actual: ['backend', 'dependencies'] }] }]);
  });

  it('new-issues colours bugs red', async () => {
    const [params] = only(await run(await github('issues.opened')), 'new-issues');
    expect(params).toMatchObject({ channel: 'eng', color: 'danger', title: 'Issue acme/api#' + (await github('issues.opened')).subject?.split('#')[1] + ': 500 on GET /orders when the cursor is expired' });
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

  it('weekly-report is a scheduled rule, rendered from its schedule event', async () => {
    const loaded = await loadRuleSet('rules', exampleContext);
    expect(loaded.ruleSet.scheduled.map((r) => [r.name, r.schedule])).toEqual([['weekly-report', { cron: '0 9 * * MON', timezone: 'Europe/Berlin' }]]);
    const tick = createHubEvent({ id: 'sched-1', type: scheduleEventType('weekly-report'), connector: 'hookhub', data: {} }, fixedNow);
    const [params] = only(await run(tick), 'weekly-report');
    expect(params).toMatchObject({ channel: 'eng', text: expect.stringMatching(/^Week ending Jan 5, 2026/) });
  });

  it('every example rule has been exercised above', async () => {
    const loaded = await loadRuleSet('rules', exampleContext);
    expect([...exercised].sort()).toEqual(loaded.ruleSet.rules.map((r) => r.name).sort());
  });
});
