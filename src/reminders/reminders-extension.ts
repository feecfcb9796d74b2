import type { SubscriptionsExtensionFactory } from '../subscriptions/subscriptions-extension.ts';
import { remindCommand, type ReviewAccessCheck } from './handle-remind.ts';
import { reminderRuleSource } from './reminder-rules.ts';
import { createReminderStore } from './reminder-store.ts';
import type { ReviewQueueReader } from './review-queue.ts';
import { createReviewReminderAction, REVIEW_REMINDER_ACTION } from './review-reminder-action.ts';

/**
 * Review reminders on top of chat subscriptions: `/hookhub remind`, the `review-reminder` action
 * and one scheduled rule per reminder. `reviews` reads the open PRs and `access` says, when a
 * reminder is set, whether it could (the hub builds both from its github connectors).
 */
export function remindersExtension(reviews?: ReviewQueueReader, access?: ReviewAccessCheck): SubscriptionsExtensionFactory {
  return ({ bus, settings }) => {
    const store = createReminderStore(bus);
    return {
      actions: { [REVIEW_REMINDER_ACTION]: createReviewReminderAction({ store, settings, ...(reviews ? { reviews } : {}) }) },
      commands: [remindCommand(store, access)],
      ruleSources: async () => (await store.list()).map(reminderRuleSource),
    };
  };
}
