import type { ActionContext, ActionResult } from '../actions/action.ts';
import { notifyAction } from '../actions/notify/index.ts';
import type { ReportParams } from '../actions/report/report-params.ts';
import { PermanentError } from '../errors.ts';
import { emptyFilters } from '../subscriptions/subscription.ts';
import { reviewDigestCard } from './review-digest.ts';
import { parseReviewFilter } from './review-filter.ts';
import { waitingForReview, type ReviewQueueReader } from './review-queue.ts';

/** A `report` with `source: github-reviews`: the same digest as `/hookhub remind`, to a hookhub channel. */
export async function runReviewReport(
  params: ReportParams,
  ctx: ActionContext,
  reviews: ReviewQueueReader | undefined,
): Promise<ActionResult> {
  if (!reviews)
    throw new PermanentError('source: github-reviews needs a github connector with API access (token or app): see docs/github.md');
  const repo = (params.repo ?? '').toLowerCase();
  const parsed = params.filter ? parseReviewFilter(params.filter) : { filters: emptyFilters() };
  if ('error' in parsed) throw new PermanentError(`filter: ${parsed.error}`);
  const now = ctx.now();
  const olderThanMs = params.olderThan ?? 0;
  const prs = waitingForReview(await reviews(repo, ctx.signal), { now, olderThanMs, filters: parsed.filters });
  if (prs.length === 0) return { status: 204, response: `no pull request in ${repo} waits for review` };
  const card = reviewDigestCard({ repo, prs, now, olderThanMs, filters: parsed.filters });
  const sent = await notifyAction.execute(
    {
      channel: params.channel ?? '',
      title: params.title,
      text: `${card.title}\n${card.text ?? ''}`,
      ...(card.url ? { url: card.url } : {}),
    },
    ctx,
  );
  return { ...sent, response: `${prs.length} pull requests waiting; delivered to ${params.channel}` };
}
