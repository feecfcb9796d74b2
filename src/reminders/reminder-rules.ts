import { stringify } from 'yaml';
import { describeFilters } from '../subscriptions/commands/describe.ts';
import { formatDuration } from '../subscriptions/commands/durations.ts';
import type { ExtraRuleSource } from '../subscriptions/compile/subscription-rules.ts';
import { reminderRuleName, type Reminder } from './reminder.ts';
import { REVIEW_REMINDER_ACTION } from './review-reminder-action.ts';

/**
 * A reminder as a scheduled rule file would spell it. The scheduler fires it like any `schedule:`
 * rule: every hub process publishes the same tick id, so the digest goes out once.
 */
export function reminderRuleSource(reminder: Reminder): ExtraRuleSource {
  const where = `${reminder.channel.platform} ${reminder.channel.name ? `#${reminder.channel.name}` : reminder.channel.id}`;
  const rule = {
    name: reminderRuleName(reminder.id),
    description: `review reminder: ${describeReminder(reminder)} in ${where}`,
    schedule: reminder.schedule.cron,
    timezone: reminder.schedule.timezone,
    do: [{ [REVIEW_REMINDER_ACTION]: { reminder: reminder.id, to: `${reminder.channel.platform}:${reminder.channel.id}` } }],
  };
  return { file: `reminder:${reminder.id}`, text: stringify({ rules: [rule] }), origin: `review reminder ${reminder.id}: ${where}` };
}

/** `acme/api weekdays 09:00 Europe/Berlin · older-than:4h · -author:dependabot[bot]`, as it would be typed. */
export function describeReminder(reminder: Pick<Reminder, 'repo' | 'schedule' | 'olderThanMs' | 'filters'>): string {
  const { schedule } = reminder;
  const parts = [
    `${reminder.repo} ${schedule.days} ${schedule.times.join(',')} ${schedule.timezone}`,
    reminder.olderThanMs > 0 ? `older-than:${formatDuration(reminder.olderThanMs).replace(/ /g, '')}` : '',
    describeFilters(reminder.filters),
  ];
  return parts.filter(Boolean).join(' · ');
}
