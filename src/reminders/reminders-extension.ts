import type { Logger } from 'pino';
import { scopeOf, type SubscriptionScope } from '../subscriptions/scope/subscription-scope.ts';
import type { SubscriptionsExtensionFactory } from '../subscriptions/subscriptions-extension.ts';
import type { Reminder } from './reminder.ts';
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
  return ({ bus, settings, scope, logger }) => {
    const store = createReminderStore(bus);
    return {
      actions: { [REVIEW_REMINDER_ACTION]: createReviewReminderAction({ store, settings, ...(reviews ? { reviews } : {}) }) },
      commands: [remindCommand(store, access)],
      ruleSources: async () => withinScope(await store.list(), scope, logger).map(reminderRuleSource),
    };
  };
}

/** Leaves out reminders set before the config narrowed what their team may read (see scopeOf), logging their id. */
function withinScope(reminders: readonly Reminder[], scope: SubscriptionScope, logger: Logger): Reminder[] {
  return reminders.filter((reminder) => {
    const scoped = scopeOf(scope, reminder.channel, { provider: 'github', path: reminder.repo });
    if ('problem' in scoped)
      logger.error(
        `reminders: ${reminder.id} (${reminder.repo} in ${reminder.channel.platform} ${reminder.channel.id}) is not scheduled: ${scoped.problem}; /hookhub remind remove ${reminder.repo} in that channel removes it`,
      );
    return !('problem' in scoped);
  });
}
