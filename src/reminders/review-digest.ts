import type { Card } from '../subscriptions/cards/card.ts';
import { describeFilters } from '../subscriptions/commands/describe.ts';
import { formatDuration } from '../subscriptions/commands/durations.ts';
import type { Filters } from '../subscriptions/subscription.ts';
import type { PullRequestInfo } from './review-queue.ts';

export interface DigestInput {
  repo: string;
  prs: readonly PullRequestInfo[];
  now: Date;
  olderThanMs: number;
  filters: Filters;
}

const MAX_LINES = 25;

/** One chat card listing the PRs that wait for review, oldest first (Slack, Mattermost and Discord render it). */
export function reviewDigestCard(input: DigestInput): Card {
  const { prs, now } = input;
  const lines = prs.slice(0, MAX_LINES).map((pr) => {
    const age = formatDuration(now.getTime() - Date.parse(pr.createdAt));
    const labels = pr.labels.length > 0 ? ` [${pr.labels.join(', ')}]` : '';
    return `• #${pr.number} ${pr.title}${labels} by @${pr.author}, open ${age}, waiting on ${pr.reviewers.map((r) => `@${r}`).join(', ')}\n  ${pr.url}`;
  });
  if (prs.length > MAX_LINES) lines.push(`… and ${prs.length - MAX_LINES} more`);
  const scope = [input.olderThanMs > 0 ? `open longer than ${formatDuration(input.olderThanMs)}` : '', describeFilters(input.filters)]
    .filter(Boolean)
    .join(' · ');
  const first = prs[0]?.url;
  return {
    title: `${prs.length} pull request${prs.length === 1 ? '' : 's'} in ${input.repo} waiting for review`,
    ...(first ? { url: first.replace(/\/pull\/\d+$/, '/pulls') } : {}),
    text: lines.join('\n'),
    color: '#bf8700',
    fields: [],
    context: `hookhub review reminder${scope ? ` · ${scope}` : ''}`,
  };
}
