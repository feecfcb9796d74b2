import type { Command } from 'commander';
import type { ActionContext, ActionDeps, Job } from '../actions/action.ts';
import { actions } from '../actions/index.ts';
import { buildReport, type BuiltReport } from '../actions/report/build-report.ts';
import { deliverReport } from '../actions/report/deliver-report.ts';
import { ReportParamsSchema, type ReportParams } from '../actions/report/report-params.ts';
import { writeReport } from '../actions/report/write-report.ts';
import { createOutboundGuard } from '../actions/runtime/ssrf/guarded-fetch.ts';
import { createBus } from '../bus/create-bus.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { loadRuleSet } from '../rules/load-rule-set.ts';
import type { Rule, RuleSet } from '../rules/rule.ts';
import { rulesContext } from '../rules-runtime.ts';
import { createScheduleEvent } from '../scheduler/schedule-event.ts';
import { pino } from 'pino';
import { createLogger } from '../logging/create-logger.ts';
import { jobLogger } from '../observability/job-logger.ts';
import { configPathOption } from './config-path.ts';
import { parseSince } from './dlq-command.ts';
import { deliveryNetworkPolicy } from '../actions/runtime/ssrf/network-policy.ts';

/** What `report run` works on: the bus history, the rules, and (for --deliver) channels and outbound HTTP. */
export interface ReportContext {
  bus: EventBus;
  ruleSet: RuleSet;
  channels: ActionDeps['channels'];
  fetch: typeof fetch;
  /** Rule problems (file:line: message): rules with errors are left out of ruleSet. */
  problems?: string[];
  close(): Promise<void>;
}

export interface ReportCommandDeps {
  /** Default: hookhub.yaml, its bus and its rules folder. */
  open?: (options: { config?: string }) => Promise<ReportContext>;
  write?: (text: string) => void;
  now?: () => Date;
}

interface RunOptions {
  config?: string;
  since?: string;
  until?: string;
  out?: string;
  format?: string;
  deliver?: boolean;
}

/** `hookhub report run <rule> [--since 7d|ISO] [--until ISO] [--format md|html] [--out dir] [--deliver]` */
export function registerReportCommand(program: Command, deps: ReportCommandDeps = {}): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const now = deps.now ?? (() => new Date());
  program
    .command('report')
    .description('render reports on demand')
    .command('run <rule>')
    .description("render a rule's report now (prints Markdown; sends nothing unless --deliver)")
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--since <when>', "window start: a duration back from --until (7d, 24h) or an ISO time; default the rule's window")
    .option('--until <iso>', 'window end (default now)')
    .option('--format <format>', 'what to print: md or html', 'md')
    .option('--out <dir>', 'also write <dir>/<rule>/<until>.md, .html and .svg')
    .option('--deliver', "also post it to the report's channel")
    .action(async (name: string, opts: RunOptions) => {
      if (opts.format !== 'md' && opts.format !== 'html') throw new Error(`--format: "${opts.format}" is not md or html`);
      const context = await (deps.open ?? openReportContext)(opts.config === undefined ? {} : { config: opts.config });
      try {
        const run = await runReport(name, opts, context, now);
        // What was rendered and written is shown before delivery, so a failed delivery does not hide it.
        write(run.text);
        if (run.deliver) write(`${await run.deliver()}\n`);
      } finally {
        await context.close();
      }
    });
}

/** The report and notes to print, and for --deliver the delivery still to do (its note, or an error naming the channel). */
interface ReportRun {
  text: string;
  deliver?: () => Promise<string>;
}

async function runReport(name: string, opts: RunOptions, context: ReportContext, now: () => Date): Promise<ReportRun> {
  const { rule, action } = reportRuleNamed(name, context);
  const until = opts.until ? new Date(opts.until) : now();
  if (Number.isNaN(until.getTime())) throw new Error(`--until: "${opts.until}" is not an ISO time`);
  const event = createScheduleEvent({ rule: rule.name, cron: rule.schedule?.cron ?? '', timezone: rule.schedule?.timezone, tick: until });
  const params = ReportParamsSchema.parse(action.render(event, { now: until, rule: rule.name }));
  if (params.source === 'github-reviews')
    throw new Error(
      `rule "${rule.name}" reports pull requests waiting for review (source: github-reviews): it posts when its schedule fires; report run renders reports of events`,
    );
  // Checked before anything is rendered or written: --deliver with nowhere to deliver is a mistake in the command.
  const channel = params.channel;
  if (opts.deliver && !channel) throw new Error(`rule "${rule.name}" has no report channel to deliver to`);
  const job: Job = {
    id: `manual:${event.id}`,
    eventId: event.id,
    eventType: event.type,
    rule: rule.name,
    index: action.index,
    action: 'report',
    params,
    createdAt: until.toISOString(),
  };
  const since = parseSince(opts.since, () => until);
  const report = await buildReport(params, job, context.bus, now(), {
    until,
    ...(since ? { since } : {}),
    ...(rule.schedule?.timezone ? { timezone: rule.schedule.timezone } : {}),
  });
  const notes: string[] = [];
  if (opts.out)
    notes.push(...(await writeReport(opts.out, rule.name, report.window.until, report, report.chartSvg)).map((f) => `wrote ${f}`));
  const body = opts.format === 'html' ? report.html : report.markdown;
  const text = `${body.endsWith('\n') ? body : `${body}\n`}${notes.map((n) => `${n}\n`).join('')}`;
  return opts.deliver && channel ? { text, deliver: () => deliverToReportChannel(channel, params, job, report, context, now) } : { text };
}

/** The rule of that name and its report action; an error that lists the rules with reports when there is none. */
function reportRuleNamed(name: string, context: ReportContext): { rule: Rule; action: Rule['actions'][number] } {
  const rule = context.ruleSet.rules.find((r) => r.name === name);
  const withReports = context.ruleSet.rules.filter((r) => r.actions.some((a) => a.type === 'report')).map((r) => r.name);
  const action = rule?.actions.find((a) => a.type === 'report');
  if (!rule || !action) {
    const problems = context.problems?.length ? `\nrules with errors are left out:\n  ${context.problems.join('\n  ')}` : '';
    throw new Error(`no rule "${name}" with a report action; rules with reports: ${withReports.join(', ') || '(none)'}${problems}`);
  }
  return { rule, action };
}

/** `--deliver`: posts the report to its channel as the action would; returns the note the action gives. */
async function deliverToReportChannel(
  channel: string,
  params: ReportParams,
  job: Job,
  report: BuiltReport,
  context: ReportContext,
  now: () => Date,
): Promise<string> {
  const ctx: ActionContext = {
    fetch: context.fetch,
    now,
    channels: context.channels,
    signal: AbortSignal.timeout(30_000),
    job,
    // A CLI run reports on stdout; the action's own log lines go to stderr.
    log: jobLogger(createLogger({ level: 'warn', destination: pino.destination(2) }), job),
    event: () => Promise.resolve(undefined),
    mayHaveRun: false,
  };
  try {
    return (await deliverReport(channel, params.title, report, ctx)).note;
  } catch (error) {
    throw new Error(`--deliver: the report above was not delivered to ${channel}: ${(error as Error).message}`, { cause: error });
  }
}

/** hookhub.yaml → its bus, its rules (a broken unrelated rule does not block a report), its channels and the SSRF-guarded fetch. */
export async function openReportContext(options: { config?: string }): Promise<ReportContext> {
  const env = readEnv();
  const config = await loadConfig(configPathOption(options.config, env), env);
  const loaded = await loadRuleSet(config.rulesDir, rulesContext(config, actions, env.vars));
  const bus = await createBus(config.bus);
  const guard = createOutboundGuard(deliveryNetworkPolicy(config.delivery));
  return {
    bus,
    ruleSet: loaded.ruleSet,
    channels: config.channels,
    fetch: guard.fetch,
    problems: loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic),
    async close() {
      guard.close();
      await bus.close();
    },
  };
}
