import { createHash } from 'node:crypto';
import type { ChatChannel, ChatUser, Filters } from '../subscriptions/subscription.ts';
import { channelKey } from '../subscriptions/subscription-store.ts';
import type { ReminderSchedule } from './reminder-schedule.ts';

/** A stored PR review reminder (bus kv bucket `reminders`, key = id): one per channel and repository. */
export interface Reminder {
  id: string;
  channel: ChatChannel;
  /** `owner/repo`, lowercase. */
  repo: string;
  schedule: ReminderSchedule;
  /** Label and author filters, as subscriptions have them. */
  filters: Filters;
  /** Only PRs open at least this long. */
  olderThanMs: number;
  createdBy: ChatUser;
  createdAt: string;
}

export function reminderId(channel: ChatChannel, repo: string): string {
  return createHash('sha256')
    .update(`${channelKey(channel)}|remind|${repo.toLowerCase()}`)
    .digest('hex')
    .slice(0, 12);
}

/** The name of a reminder's scheduled rule. */
export function reminderRuleName(id: string): string {
  return `remind-${id}`;
}
