import { PermanentError } from '../../errors.ts';
import type { Action } from '../action.ts';
import { notifyAction } from '../notify/index.ts';
import { DestinationPolicyShape } from '../runtime/destination-policy.ts';
import { buildReport } from './build-report.ts';
import { deliverReport } from './deliver-report.ts';
import { REPORT_RAW_PARAMS, ReportParamsSchema, type ReportParams } from './report-params.ts';
import { writeReport } from './write-report.ts';
import { runReviewReport } from '../../reminders/review-report.ts';
import type { ReviewQueueReader } from '../../reminders/review-queue.ts';

const POLICY_KEYS = new Set(Object.keys(DestinationPolicyShape));

/**
 * `report`: numbers over a window of history (counts, groupings, sums, per day), rendered with a
 * Handlebars template to Markdown and HTML with an SVG bar chart, written to a folder and/or
 * delivered to a channel. Usually the action of a `schedule:` rule.
 */
export function createReportAction(options: { reviews?: ReviewQueueReader } = {}): Action<ReportParams> {
  return {
    type: 'report',
    paramsSchema: ReportParamsSchema,
    rawParams: REPORT_RAW_PARAMS,
    destination: (params) => (params.channel ? `channel:${params.channel}` : `report:${params.output ?? ''}`),
    policy: (params, deps) => {
      const channel = params.channel ? (notifyAction.policy?.({ channel: params.channel, text: '' }, deps) ?? {}) : {};
      const own = Object.fromEntries(Object.entries(params).filter(([key, value]) => POLICY_KEYS.has(key) && value !== undefined));
      return { ...channel, ...own };
    },
    async execute(params, ctx) {
      if (params.source === 'github-reviews') return runReviewReport(params, ctx, options.reviews);
      if (!ctx.history)
        throw new PermanentError('report needs read access to the bus history (ActionDeps.history); this worker was started without it');
      const report = await buildReport(params, ctx.job, ctx.history, ctx.now());
      const notes: string[] = [];
      let status: number | undefined;
      // The files first: writing them again on a retry is harmless, posting twice is not.
      if (params.output)
        notes.push(`wrote ${(await writeReport(params.output, ctx.job.rule, report.window.until, report, report.chartSvg)).join(', ')}`);
      if (params.channel) {
        const sent = await deliverReport(params.channel, params.title, report, ctx);
        status = sent.status;
        notes.push(sent.note);
      }
      const summary = `${report.data.total} events ${report.window.since.toISOString()} .. ${report.window.until.toISOString()}`;
      return { ...(status === undefined ? {} : { status }), response: `${summary}; ${notes.join('; ')}` };
    },
  };
}

/** The report action without GitHub access (`source: github-reviews` then fails, saying what to set); the hub builds its own. */
export const reportAction = createReportAction();
