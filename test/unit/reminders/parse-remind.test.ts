import { describe, expect, it } from 'vitest';
import { ReportParamsSchema } from '../../../src/actions/report/report-params.ts';
import { parseRemind, REMIND_SYNTAX } from '../../../src/reminders/parse-remind.ts';
import { waitingForReview, type PullRequestInfo } from '../../../src/reminders/review-queue.ts';
import { parseCommand as parseChatCommand } from '../../../src/subscriptions/commands/command-parser.ts';
import { emptyFilters } from '../../../src/subscriptions/subscription.ts';
import { stringMatching } from '../../helpers/matchers.ts';

// The chat command parser knows `remind` only from the extension reminders give it.
const parseCommand = (text: string) => parseChatCommand(text, '/hookhub', [REMIND_SYNTAX]);

describe('remind command', () => {
  it('turns days, times and a zone into a cron, and takes subscription filters plus older-than', () => {
    const parsed = parseRemind([
      'acme/API',
      'mon-wed,fri',
      '09:30,14:30',
      'Europe/Berlin',
      '+label:bug,urgent',
      '-author:dependabot[bot]',
      'older-than:1d',
    ]);
    expect(parsed).toEqual({
      command: {
        verb: 'remind',
        action: 'set',
        repo: 'acme/api',
        schedule: { days: 'mon-wed,fri', times: ['09:30', '14:30'], timezone: 'Europe/Berlin', cron: '30 9,14 * * 1-3,5' },
        filters: { ...emptyFilters(), labelsAll: [['bug', 'urgent']], authorsOut: ['dependabot[bot]'] },
        olderThanMs: 86_400_000,
      },
    });
    expect(parseRemind(['acme/api', 'daily', '8:00'])).toMatchObject({
      command: { schedule: { cron: '0 8 * * *', timezone: 'UTC' }, olderThanMs: 0 },
    });
  });

  it('takes zone names without a slash (UTC, GMT) and any case, in their canonical spelling', () => {
    expect(parseRemind(['acme/api', 'weekdays', '09:00', 'UTC', '-author:bot'])).toMatchObject({
      command: { schedule: { cron: '0 9 * * 1-5', timezone: 'UTC' }, filters: { authorsOut: ['bot'] } },
    });
    expect(parseRemind(['acme/api', 'daily', '08:00', 'utc'])).toMatchObject({ command: { schedule: { timezone: 'UTC' } } });
    expect(parseRemind(['acme/api', 'daily', '08:00', 'europe/berlin'])).toMatchObject({
      command: { schedule: { timezone: 'Europe/Berlin' } },
    });
  });

  it('explains each bad input', () => {
    expect(parseRemind(['acme/*', 'daily', '09:00'])).toEqual({ error: 'reminders read one GitHub repository (owner/repo), not "acme/*"' });
    expect(parseRemind(['acme/api', 'weekdays', '9am'])).toEqual({
      error: '"9am" is not a time; use 24-hour HH:MM, e.g. 09:00 or 09:00,14:00',
    });
    expect(parseRemind(['acme/api', 'weekdays', '09:00,14:30'])).toMatchObject({ error: stringMatching(/share their minutes/) });
    expect(parseRemind(['acme/api', 'weekdays', '09:00', 'Mars/Olympus'])).toMatchObject({ error: stringMatching(/not a time zone/) });
    expect(parseRemind(['acme/api', 'weekdays', '09:00', 'pulls'])).toMatchObject({ error: stringMatching(/take filters only/) });
    expect(parseRemind(['acme/api', 'weekdays', '09:00', 'older-than:soon'])).toMatchObject({ error: stringMatching(/older-than:4h/) });
    const viaParser = parseCommand('remind');
    expect(viaParser.ok).toBe(false);
    if (!viaParser.ok) expect(viaParser.message).toContain('Usage: `/hookhub remind owner/repo');
  });

  it('parses list and remove', () => {
    expect(parseCommand('remind list')).toEqual({ ok: true, command: { verb: 'remind', action: 'list' } });
    expect(parseCommand('remind remove https://github.com/acme/api')).toEqual({
      ok: true,
      command: { verb: 'remind', action: 'remove', repo: 'acme/api' },
    });
  });
});

describe('waitingForReview', () => {
  const now = new Date('2026-12-07T08:00:00Z');
  const pr = (n: number, over: Partial<PullRequestInfo>): PullRequestInfo => ({
    number: n,
    title: `PR ${n}`,
    url: `u${n}`,
    author: 'ana',
    draft: false,
    createdAt: '2026-12-06T08:00:00Z',
    labels: [],
    reviewers: ['bob'],
    ...over,
  });
  it('keeps open, non-draft PRs with a requested reviewer, old enough and passing the filters, oldest first', () => {
    const prs = [
      pr(1, { createdAt: '2026-12-05T08:00:00Z', labels: ['Bug'] }),
      pr(2, { draft: true, labels: ['bug'] }),
      pr(3, { reviewers: [], labels: ['bug'] }),
      pr(4, { createdAt: '2026-12-07T07:00:00Z', labels: ['bug'] }),
      pr(5, { labels: ['bug', 'wip'] }),
      pr(6, { labels: ['bug'], author: 'Renovate[bot]' }),
      pr(7, { labels: ['bug'] }),
    ];
    const filters = { ...emptyFilters(), labelsAll: [['bug']], labelsNone: ['wip'], authorsOut: ['renovate[bot]'] };
    expect(waitingForReview(prs, { now, olderThanMs: 2 * 3_600_000, filters }).map((p) => p.number)).toEqual([1, 7]);
  });
});

describe('report source github-reviews', () => {
  it('needs a repo and a channel, checks the filter, and needs no template', () => {
    const ok = ReportParamsSchema.safeParse({
      source: 'github-reviews',
      title: 'Reviews',
      repo: 'acme/api',
      channel: 'ops',
      olderThan: '4h',
      filter: '+label:bug',
    });
    expect(ok.success).toBe(true);
    const bad = ReportParamsSchema.safeParse({ source: 'github-reviews', title: 'Reviews', filter: 'pulls' });
    expect(bad.success).toBe(false);
    const messages = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        'repo: source: github-reviews needs repo: owner/repo',
        'channel: source: github-reviews posts to a channel: set channel:',
        expect.stringMatching(/^filter: review reminders take filters only/),
      ]),
    );
    expect(ReportParamsSchema.safeParse({ title: 'x', channel: 'ops' }).error?.issues[0]?.message).toBe(
      'a report of events needs template: (e.g. weekly-engineering-digest)',
    );
  });
});
