import type { Job } from '../action.ts';
import { aggregate, type Aggregates } from './aggregate.ts';
import { barChartSvg } from './chart-svg.ts';
import { collectHistory, type HistoryReader } from './collect-history.ts';
import { renderReport, type RenderedReport } from './render-report.ts';
import type { ReportParams } from './report-params.ts';
import { resolveWindow, type ReportWindow } from './report-window.ts';

export interface BuiltReport extends RenderedReport {
  window: ReportWindow;
  data: Aggregates;
  chartSvg: string;
}

/** Window → history → numbers → chart → Markdown and HTML. Shared by the action and `hookhub report run`. */
export async function buildReport(
  params: ReportParams,
  job: Job,
  history: HistoryReader,
  now: Date,
  override?: Partial<ReportWindow>,
): Promise<BuiltReport> {
  const resolved = await resolveWindow(params.window, job, history);
  const window = { ...resolved, ...override, ...(override?.since ? { label: 'custom' } : {}) };
  const timeZone = params.timezone ?? window.timezone ?? 'UTC';
  const events = await collectHistory(history, {
    since: window.since,
    until: window.until,
    ...(params.on ? { on: params.on } : {}),
    ...(params.when ? { when: params.when } : {}),
    maxEvents: params.maxEvents,
  });
  const data = aggregate({ events, metrics: params.metrics, since: window.since, until: window.until, timeZone });
  const series = params.chart === undefined ? data.byDay : (data.metrics[params.chart]?.byDay ?? []);
  const chartSvg = barChartSvg(series, { title: `${params.title}: ${params.chart ?? 'events'} per day` });
  const context = {
    ...data,
    title: params.title,
    rule: job.rule,
    timezone: timeZone,
    generatedAt: now.toISOString(),
    window: { since: window.since.toISOString(), until: window.until.toISOString(), label: window.label },
  };
  // The schema requires a template for a report of events.
  const rendered = await renderReport(params.template ?? '', context, chartSvg, now);
  return { ...rendered, window, data, chartSvg };
}
