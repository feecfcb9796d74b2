import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/actions/action.ts';
import { buildReport } from '../../../../src/actions/report/build-report.ts';
import { reportAction } from '../../../../src/actions/report/index.ts';
import { ReportParamsSchema, type ReportParams } from '../../../../src/actions/report/report-params.ts';
import { actions } from '../../../../src/actions/index.ts';
import { compileRuleSources } from '../../../../src/rules/compile-rule-sources.ts';
import type { Rule } from '../../../../src/rules/rule.ts';
import { createScheduleEvent } from '../../../../src/scheduler/schedule-event.ts';
import { startFakeApi, testDeps } from '../ci/fake-api.ts';
import { openFixtureBus, pr, seedEngineeringWeek, seedPaymentsDay, type FixtureBus } from './fixture-history.ts';
import { checkXml } from './xml-check.ts';
import { actionContext } from '../../../helpers/action-context.ts';

const EXAMPLE = new URL('../../../../rules/scheduled-reports.yaml', import.meta.url);
let f: FixtureBus;
beforeEach(async () => (f = await openFixtureBus()));
afterEach(async () => f.cleanup());

async function exampleRule(name: string): Promise<Rule> {
  const text = await readFile(EXAMPLE, 'utf8');
  const result = compileRuleSources([{ file: 'scheduled-reports.yaml', text }], {
    registry: actions,
    channels: ['eng'],
    connectors: ['github', 'stripe'],
  });
  expect(result.diagnostics).toEqual([]);
  const rule = result.ruleSet.rules.find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${name}`);
  return rule;
}

/** Fires the rule's schedule at `tick` into the fixture bus and renders its report job like the router would. */
async function scheduledJob(rule: Rule, tick: string, over: Partial<ReportParams> = {}): Promise<{ job: Job; params: ReportParams }> {
  const event = createScheduleEvent({
    rule: rule.name,
    cron: rule.schedule?.cron ?? '',
    timezone: rule.schedule?.timezone,
    tick: new Date(tick),
  });
  await f.at(tick, event);
  const rendered = rule.actions[0]!.render(event, { now: new Date(tick), rule: rule.name });
  const params = ReportParamsSchema.parse({ ...rendered, output: join(f.dir, 'reports'), ...over });
  const job: Job = {
    id: `${event.id}:${rule.name}:0`,
    eventId: event.id,
    eventType: event.type,
    rule: rule.name,
    index: 0,
    action: 'report',
    params,
    createdAt: tick,
  };
  return { job, params };
}

describe('report: weekly engineering digest on a fixture week', () => {
  it('a 7d window is seven calendar days in the schedule zone: weeks across a DST change meet, with no hour twice or never', async () => {
    const rule = await exampleRule('weekly-engineering-digest');
    // Monday 09:00 Berlin: 07:00Z in summer time, 08:00Z in winter time (change on Sunday 2026-10-25).
    await f.at('2026-10-19T07:30:00Z', pr('opened', 'acme/api'));
    const summer = await scheduledJob(rule, '2026-10-19T07:00:00.000Z');
    const winter = await scheduledJob(rule, '2026-10-26T08:00:00.000Z');
    const before = await buildReport(summer.params, summer.job, f.bus, new Date('2026-10-19T07:00:05Z'));
    const after = await buildReport(winter.params, winter.job, f.bus, new Date('2026-10-26T08:00:05Z'));
    expect(after.window.since).toEqual(before.window.until);
    expect((before.data.metrics.prs_opened?.count ?? 0) + (after.data.metrics.prs_opened?.count ?? 0)).toBe(1);
    // And into summer time (Sunday 2027-03-28): the week is 167 hours.
    await f.at('2027-03-22T07:30:00Z', pr('opened', 'acme/api'));
    const spring = await scheduledJob(rule, '2027-03-29T07:00:00.000Z');
    const report = await buildReport(spring.params, spring.job, f.bus, new Date('2027-03-29T07:00:05Z'));
    expect(report.window.since).toEqual(new Date('2027-03-22T08:00:00Z'));
    expect(report.data.metrics.prs_opened?.count).toBe(0);
  });

  it('computes exact counts, groupings and per-day numbers in the schedule time zone', async () => {
    await seedEngineeringWeek(f);
    const rule = await exampleRule('weekly-engineering-digest');
    const { job, params } = await scheduledJob(rule, '2026-11-30T08:00:00.000Z');
    const report = await buildReport(params, job, f.bus, new Date('2026-11-30T08:00:05Z'));
    expect(report.window).toMatchObject({
      since: new Date('2026-11-23T08:00:00Z'),
      until: new Date('2026-11-30T08:00:00Z'),
      label: '7d',
      timezone: 'Europe/Berlin',
    });
    const { data } = report;
    expect(data.total).toBe(10);
    expect(data.metrics.prs_opened?.count).toBe(2);
    expect(data.metrics.prs_merged?.count).toBe(1);
    expect(data.metrics.ci_runs?.count).toBe(4);
    expect(data.metrics.ci_failures?.count).toBe(2);
    expect(data.metrics.top_repos?.groups).toEqual([
      { key: 'acme/api', count: 5 },
      { key: 'acme/web', count: 4 },
      { key: 'acme/docs', count: 1 },
    ]);
    expect(data.byDay.map((d) => [d.key, d.count])).toEqual([
      ['2026-11-23', 3],
      ['2026-11-24', 3],
      ['2026-11-25', 0],
      ['2026-11-26', 2],
      ['2026-11-27', 1],
      ['2026-11-28', 0],
      ['2026-11-29', 0],
      ['2026-11-30', 1],
    ]);
    expect(data.byType).toEqual([
      { key: 'github.workflow_run.completed', count: 4 },
      { key: 'github.pull_request.closed', count: 2 },
      { key: 'github.pull_request.opened', count: 2 },
      { key: 'github.push', count: 2 },
    ]);
    expect(report.markdown).toContain('- Opened: **2**\n- Merged: **1**');
    expect(report.markdown).toContain('- Failed: **2** (failure rate 50.0%)');
    expect(report.markdown).toContain('| acme/api | 5 |\n| acme/web | 4 |\n| acme/docs | 1 |');
    expect(report.markdown).toContain('Nov 23, 2026 – Nov 30, 2026 (7d, Europe/Berlin)');
  });

  it('writes Markdown, well-formed HTML and a well-formed SVG bar chart per day', async () => {
    await seedEngineeringWeek(f);
    const rule = await exampleRule('weekly-engineering-digest');
    const { job, params } = await scheduledJob(rule, '2026-11-30T08:00:00.000Z');
    const result = await reportAction.execute(
      params,
      actionContext(job, { ...testDeps(new Date('2026-11-30T08:00:05Z')), history: f.bus }),
    );
    const stem = join(f.dir, 'reports', 'weekly-engineering-digest', '2026-11-30T08-00-00Z');
    expect(result.response).toBe(
      `10 events 2026-11-23T08:00:00.000Z .. 2026-11-30T08:00:00.000Z; wrote ${stem}.md, ${stem}.html, ${stem}.svg`,
    );
    const html = await readFile(`${stem}.html`, 'utf8');
    const page = checkXml(html, { html: true });
    expect(page.problems).toEqual([]);
    expect(page.elements[0]).toBe('html');
    expect(page.elements).toContain('svg');
    const svg = checkXml(await readFile(`${stem}.svg`, 'utf8'));
    expect(svg.problems).toEqual([]);
    expect(svg.attributes[0]).toMatchObject({ element: 'svg', attrs: { xmlns: 'http://www.w3.org/2000/svg' } });
    const bars = svg.attributes.filter((a) => a.element === 'rect');
    expect(bars).toHaveLength(8);
    // Bar heights are proportional to the day counts 3,3,0,2,1,0,0,1 (tallest = the plot height).
    const heights = bars.map((b) => Number(b.attrs.height));
    expect(heights).toEqual([168, 168, 0, 112, 56, 0, 0, 56]);
    expect(await readFile(`${stem}.md`, 'utf8')).toContain('# Weekly engineering digest');
  });

  it('escapes hostile repository names in HTML and SVG', async () => {
    await f.at('2026-11-29T10:00:00Z', (await import('./fixture-history.ts')).push('evil/<script>alert(1)</script>&'));
    const rule = await exampleRule('weekly-engineering-digest');
    const { job, params } = await scheduledJob(rule, '2026-11-30T08:00:00.000Z', { title: 'Digest <b>&</b>' });
    const report = await buildReport(params, job, f.bus, new Date('2026-11-30T08:00:05Z'));
    expect(checkXml(report.html, { html: true }).problems).toEqual([]);
    expect(report.html).not.toContain('<script>');
    expect(checkXml(report.chartSvg).problems).toEqual([]);
  });
});

describe('report: daily payments summary on a fixture day', () => {
  it("counts and sums per currency with each currency's minor unit", async () => {
    await seedPaymentsDay(f);
    const rule = await exampleRule('daily-payments-summary');
    const { job, params } = await scheduledJob(rule, '2026-11-30T07:00:00.000Z');
    const report = await buildReport(params, job, f.bus, new Date('2026-11-30T07:00:01Z'));
    const { metrics } = report.data;
    expect(metrics.succeeded).toMatchObject({
      count: 4,
      sum: 8499,
      groups: [
        { key: 'usd', count: 2, sum: 2499 },
        { key: 'eur', count: 1, sum: 1000 },
        { key: 'jpy', count: 1, sum: 5000 },
      ],
    });
    expect(metrics.failed).toMatchObject({ count: 1, sum: 250, groups: [{ key: 'usd', count: 1, sum: 250 }] });
    expect(metrics.attempts?.byDay.map((d) => [d.key, d.count])).toEqual([
      ['2026-11-29', 4],
      ['2026-11-30', 1],
    ]);
    expect(report.markdown).toContain('| USD | 2 | $24.99 |\n| EUR | 1 | €10.00 |\n| JPY | 1 | ¥5,000 |');
    expect(report.markdown).toContain('| USD | 1 | $2.50 |');
    expect(report.markdown).toContain('Failure rate: 20.0% of 5 payment attempts.');
    expect(checkXml(report.html, { html: true }).problems).toEqual([]);
  });

  it('window: last-run starts at the previous tick of the same rule', async () => {
    const rule = await exampleRule('daily-payments-summary');
    await scheduledJob(rule, '2026-11-29T07:00:00.000Z');
    await seedPaymentsDay(f);
    const { job, params } = await scheduledJob(rule, '2026-11-30T07:00:00.000Z', { window: 'last-run' });
    const report = await buildReport(params, job, f.bus, new Date('2026-11-30T07:00:01Z'));
    expect(report.window).toMatchObject({ since: new Date('2026-11-29T07:00:00Z'), label: 'since the last run' });
    expect(report.data.metrics.attempts?.count).toBe(5);
  });

  it('delivers the Markdown to a channel', async () => {
    await seedPaymentsDay(f);
    const sink = await startFakeApi(() => ({ status: 200, body: 'ok' }));
    try {
      const rule = await exampleRule('daily-payments-summary');
      const { job, params } = await scheduledJob(rule, '2026-11-30T07:00:00.000Z', { channel: 'eng', output: undefined });
      const deps = { ...testDeps(new Date('2026-11-30T07:00:01Z'), { eng: { type: 'slack', url: `${sink.url}/hook` } }), history: f.bus };
      const result = await reportAction.execute(params, actionContext(job, deps));
      expect(result.status).toBe(200);
      expect(result.response).toContain('delivered to eng (200)');
      // Chat channels get the .chat.hbs variant: plain lines, no Markdown tables or headings.
      const text = String((JSON.parse(sink.requests[0]!.body) as { text: string }).text);
      expect(text).toContain(
        'Succeeded: 4\n• USD: 2 for $24.99\n• EUR: 1 for €10.00\n• JPY: 1 for ¥5,000\nFailed: 1\n• USD: 1 for $2.50\nFailure rate: 20.0% of 5 attempts',
      );
      expect(text).not.toContain('|');
    } finally {
      await sink.close();
    }
  });
});

describe('report params', () => {
  it('are checked at load time: filters, globs, metrics, destinations', () => {
    const base = { title: 't', template: 'x', output: '/tmp/r' };
    expect(ReportParamsSchema.safeParse(base).success).toBe(true);
    expect(ReportParamsSchema.safeParse({ ...base, output: undefined }).success).toBe(false);
    expect(ReportParamsSchema.safeParse({ ...base, window: 'a week' }).success).toBe(false);
    expect(ReportParamsSchema.safeParse({ ...base, on: 'GitHub.Push' }).success).toBe(false);
    expect(ReportParamsSchema.safeParse({ ...base, metrics: { a: { when: { x: { $where: '1' } } } } }).success).toBe(false);
    expect(ReportParamsSchema.safeParse({ ...base, chart: 'nope' }).success).toBe(false);
  });
});

describe('bar chart', () => {
  it('thins day labels on long windows so they never overlap', async () => {
    const { barChartSvg } = await import('../../../../src/actions/report/chart-svg.ts');
    const days = Array.from({ length: 90 }, (_, i) => ({
      key: `2026-${String(1 + Math.floor(i / 30)).padStart(2, '0')}-${String(1 + (i % 30)).padStart(2, '0')}`,
      count: i % 7,
    }));
    const svg = barChartSvg(days, { title: 'quarter' });
    const check = checkXml(svg);
    expect(check.problems).toEqual([]);
    expect(check.elements.filter((e) => e === 'rect')).toHaveLength(90);
    const labels = check.attributes.filter((a) => a.element === 'text').map((a) => Number(a.attrs.x));
    for (let i = 1; i < labels.length; i++) expect(labels[i]! - labels[i - 1]!).toBeGreaterThanOrEqual(34);
  });
});
