import { tokenize } from '../subscriptions/commands/command-tokens.ts';
import { parseMuteDuration } from '../subscriptions/commands/durations.ts';
import { parseSubscribeOptions } from '../subscriptions/commands/parse-options.ts';
import type { Filters } from '../subscriptions/subscription.ts';

/** The filters subscriptions know (labels, authors) plus `older-than:<duration>`. */
export function parseReviewOptions(words: readonly string[]): { filters: Filters; olderThanMs: number } | { error: string } {
  let olderThanMs = 0;
  const filterWords: string[] = [];
  for (const word of words) {
    const older = /^older-than:(.*)$/i.exec(word);
    if (!older) {
      filterWords.push(word);
      continue;
    }
    const duration = parseMuteDuration(older[1] ?? '');
    if (!duration) return { error: `"${word}": write the age like older-than:4h or older-than:2d` };
    olderThanMs = duration.ms;
  }
  const options = parseSubscribeOptions('github', filterWords);
  if ('error' in options) return options;
  if (options.features.length > 0 || options.noise || options.filters.branches.length > 0) {
    return { error: 'review reminders take filters only: +label:… -label:… +author:… -author:… and older-than:…' };
  }
  return { filters: options.filters, olderThanMs };
}

/** A rule file's `filter: "+label:bug -author:dependabot[bot]"` for a `github-reviews` report. */
export function parseReviewFilter(text: string): { filters: Filters } | { error: string } {
  const { tokens, error } = tokenize(text);
  if (error) return { error };
  const parsed = parseReviewOptions(tokens);
  if ('error' in parsed) return parsed;
  return parsed.olderThanMs > 0 ? { error: 'write the age as olderThan: in the report, not in filter:' } : { filters: parsed.filters };
}
