import { z } from 'zod';
import type { Action } from '../actions/action.ts';
import { PermanentError } from '../errors.ts';
import { postCard } from '../subscriptions/chat/post-card.ts';
import type { SubscriptionsConfig } from '../subscriptions/settings.ts';
import type { ReminderStore } from './reminder-store.ts';
import { reviewDigestCard } from './review-digest.ts';
import { waitingForReview, type ReviewQueueReader } from './review-queue.ts';

export const REVIEW_REMINDER_ACTION = 'review-reminder';

const ReviewReminderParamsSchema = z.strictObject({ reminder: z.string().min(1), to: z.string().min(1).optional() });
type ReviewReminderParams = z.output<typeof ReviewReminderParamsSchema>;

export interface ReviewReminderDeps {
  store: ReminderStore;
  settings: SubscriptionsConfig;
  /** Absent when the hub has no github connector with API access: the action then fails permanently, saying so. */
  reviews?: ReviewQueueReader;
}

/**
 * `review-reminder`: the action of a reminder's scheduled rule. Reads the repository's open PRs
 * from GitHub at run time and posts one digest card to the reminder's channel; posts nothing when
 * no PR waits.
 */
export function createReviewReminderAction(deps: ReviewReminderDeps): Action<ReviewReminderParams> {
  return {
    type: REVIEW_REMINDER_ACTION,
    paramsSchema: ReviewReminderParamsSchema,
    destination: (params) => `chat:${params.to ?? params.reminder}`,
    async execute(params, ctx) {
      const reminder = await deps.store.get(params.reminder);
      if (!reminder) return { status: 204, response: 'the reminder was removed' };
      if (!deps.reviews)
        throw new PermanentError('review reminders need a github connector with API access (token or app): see docs/github.md');
      const now = ctx.now();
      const prs = waitingForReview(await deps.reviews(reminder.repo, ctx.signal), {
        now,
        olderThanMs: reminder.olderThanMs,
        filters: reminder.filters,
      });
      if (prs.length === 0) return { status: 204, response: `no pull request in ${reminder.repo} waits for review` };
      const card = reviewDigestCard({ repo: reminder.repo, prs, now, olderThanMs: reminder.olderThanMs, filters: reminder.filters });
      return postCard(reminder.channel, card, ctx, deps.settings);
    },
  };
}
