import { z } from 'zod';
import { isValidTypeGlob } from '../../events/type-glob.ts';
import { isValidTimeZone } from '../../rules/template-format-helpers.ts';
import { checkWhen } from '../../rules/when-check.ts';
import { DestinationPolicyShape } from '../runtime/destination-policy.ts';
import { DurationSchema, fromEnvString } from '../../config/units.ts';
import { parseDuration } from '../../shared/duration.ts';
import { parseReviewFilter } from '../../reminders/review-filter.ts';

const Globs = z
  .union([z.string(), z.array(z.string()).min(1)])
  .transform((v) => (typeof v === 'string' ? [v] : v))
  .refine((globs) => globs.every(isValidTypeGlob), {
    message: 'on: event type globs (* one segment, ** the rest), e.g. github.pull_request.*',
  });

/** A `when:` filter, checked with the rules engine's own checker. */
const When = z.record(z.string(), z.unknown()).superRefine((when, ctx) => {
  for (const problem of checkWhen(when)) {
    if (problem.severity === 'error') ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
});

/** One named figure of a report: the events of the report that also match `on`/`when`, counted, grouped, summed. */
export const MetricSchema = z.strictObject({
  on: Globs.optional(),
  when: When.optional(),
  /** Dotted path to group by (`data.repository.full_name`); list values count once per element. */
  groupBy: z.string().min(1).optional(),
  /** Dotted path of a number to add up (`data.data.object.amount`), overall, per group and per day. */
  sum: z.string().min(1).optional(),
  /** Keep only the largest groups. */
  top: fromEnvString(z.number().int().min(1).max(1_000)).optional(),
});
export type Metric = z.output<typeof MetricSchema>;

/** `7d`, `24h`, `90m`, or `last-run` (since the previous tick of this rule's schedule). */
const WindowSchema = z.string().refine((w) => w === 'last-run' || (parseDuration(w) ?? 0) > 0, {
  message: 'window is a duration such as 24h or 7d, or last-run',
});

/**
 * `report` params. `title` is a template; `on`, `when` and `metrics` are taken as written
 * (raw params), since they are filters over history, not text about the triggering event.
 */
export const ReportParamsSchema = z
  .strictObject({
    title: z.string().min(1),
    /** `events` (default): numbers over the hub's history. `github-reviews`: the PRs of `repo` that wait for review, read from GitHub. */
    source: z.enum(['events', 'github-reviews']).default('events'),
    /** A shipped template name (reports/templates/<name>.{md,html}.hbs) or a path without the extension; required for `events`. */
    template: z.string().min(1).optional(),
    /** `github-reviews`: the repository (`owner/repo`). */
    repo: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'repo is owner/repo')
      .optional(),
    /** `github-reviews`: only PRs open at least this long. */
    olderThan: DurationSchema.optional(),
    /** `github-reviews`: label and author filters as chat subscriptions write them (`+label:bug -author:dependabot[bot]`). */
    filter: z.string().optional(),
    window: WindowSchema.default('24h'),
    /** Days are calendar days in this zone (default: the schedule's timezone, else UTC). */
    timezone: z.string().refine(isValidTimeZone, { message: 'unknown time zone (use an IANA name such as Europe/Berlin)' }).optional(),
    /** Which events the report covers (default: every event except the hub's own hookhub.*). */
    on: Globs.optional(),
    when: When.optional(),
    metrics: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'metric names are identifiers (letters, digits, _)'), MetricSchema)
      .default({}),
    /** Metric whose per-day counts the chart shows (default: all events of the report). */
    chart: z.string().optional(),
    /** Deliver the Markdown to this channel. */
    channel: z.string().min(1).optional(),
    /** Write <output>/<rule>/<until>.md and .html. */
    output: z.string().min(1).optional(),
    /** Refuse to read more events than this (memory bound). */
    maxEvents: fromEnvString(z.number().int().min(1)).default(200_000),
    /** Delivery settings; `timeout` (default 15 s) bounds reading history too, so raise it for big windows. */
    ...DestinationPolicyShape,
  })
  .superRefine((p, ctx) => {
    if (p.source === 'events' && p.template === undefined)
      ctx.addIssue({ code: 'custom', path: ['template'], message: 'a report of events needs template: (e.g. weekly-engineering-digest)' });
    if (p.source === 'github-reviews') checkReviewsSource(p, ctx);
    if (p.channel === undefined && p.output === undefined)
      ctx.addIssue({ code: 'custom', message: 'a report needs channel: (deliver) and/or output: (a folder to write to)' });
    if (p.chart !== undefined && !Object.hasOwn(p.metrics, p.chart))
      ctx.addIssue({ code: 'custom', path: ['chart'], message: `chart: no metric named "${p.chart}"` });
  });
export type ReportParams = z.output<typeof ReportParamsSchema>;

/** Params that are not templates. */
export const REPORT_RAW_PARAMS = ['on', 'when', 'metrics', 'template', 'output', 'filter'] as const;

function checkReviewsSource(
  p: { repo?: string | undefined; filter?: string | undefined; channel?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (p.repo === undefined) ctx.addIssue({ code: 'custom', path: ['repo'], message: 'source: github-reviews needs repo: owner/repo' });
  if (p.channel === undefined)
    ctx.addIssue({ code: 'custom', path: ['channel'], message: 'source: github-reviews posts to a channel: set channel:' });
  const filter = p.filter === undefined ? undefined : parseReviewFilter(p.filter);
  if (filter && 'error' in filter) ctx.addIssue({ code: 'custom', path: ['filter'], message: filter.error });
}
