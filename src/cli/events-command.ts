import type { Command } from 'commander';

import type { EventBus } from '../bus/event-bus.ts';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { isValidTypeGlob } from '../events/type-glob.ts';
import { loadEventDetail, type EventDetail } from '../operations/event-detail.ts';
import { EVENT_STATUSES, type AttemptView, type EventStatus } from '../operations/event-status.ts';
import type { EventFilter } from '../operations/event-filter.ts';
import { listEvents, type EventPage } from '../operations/list-events.ts';
import { environmentValuesOf } from '../operations/event-view.ts';
import { replayEvent, replayView, type ReplayResult } from '../operations/replay-event.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { loadRuleSet } from '../rules/load-rule-set.ts';
import type { RuleSet } from '../rules/rule.ts';
import { rulesContext } from '../rules-runtime.ts';
import { configPathOption } from './config-path.ts';
import { hiddenValuesOrWarn, type HiddenValues } from './hidden-values.ts';
import { parseSince, withBus } from './dlq-command.ts';
import { formatTable } from './text-table.ts';
import type { ActionRegistry } from '../actions/registry.ts';

export interface EventsCommandDeps {
  /** Opens the configured bus (`--config` passed through). The command closes it. */
  openBus: (options: { config?: string }) => Promise<EventBus>;
  /** The rules in hookhub.yaml's folder, as the hub would load them (for replay). */
  loadRules: (options: { config?: string }) => Promise<RuleSet>;
  /** What `show` masks in job params, as the API does (loadHiddenValues), and what it could not know. */
  loadHidden: (options: { config?: string }) => Promise<HiddenValues>;
  registry: ActionRegistry;
  write?: (text: string) => void;
  /** Where warnings go. Default: process.stderr. */
  warn?: (text: string) => void;
  now?: () => Date;
}

interface ListOptions {
  config?: string;
  json?: boolean;
  type?: string;
  connector?: string;
  status?: string;
  q?: string;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
}

/** `hookhub events list|show|replay`: the same code as GET /api/events, GET /api/events/:id and POST …/replay. */
export function registerEventsCommand(program: Command, deps: EventsCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const now = deps.now ?? (() => new Date());
  const events = program.command('events').description('browse stored events and replay them through the current rules');
  registerList(events, deps, write, now);
  registerShow(events, deps, write);
  registerReplay(events, deps, write, now);
}

function registerList(events: Command, deps: EventsCommandDeps, write: (text: string) => void, now: () => Date): void {
  events
    .command('list')
    .description('events, newest first, with filters; prints a cursor for the next (older) page')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--type <glob>', 'type glob, e.g. github.pull_request.* or stripe.**')
    .option('--connector <name>', 'connector name')
    .option('--status <status>', `one of ${EVENT_STATUSES.join(', ')}`)
    .option('--q <text>', 'text in the subject, title, actor or id')
    .option('--since <when>', 'received since a time (ISO 8601) or for a duration (2h)')
    .option('--until <when>', 'received before a time (ISO 8601) or that long ago (2h)')
    .option('--limit <n>', 'events per page (at most 200)', '50')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print JSON')
    .action(async (opts: ListOptions) => {
      const filter = filterOf(opts, now);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit must be a positive integer');
      await withBus(deps, opts, async (bus) => {
        const page = await listEvents(bus, { filter, limit, ...(opts.cursor ? { cursor: opts.cursor } : {}) });
        write(opts.json ? `${JSON.stringify(page, null, 2)}\n` : formatPage(page));
      });
    });
}

function registerShow(events: Command, deps: EventsCommandDeps, write: (text: string) => void): void {
  events
    .command('show <id>')
    .description('one event: attributes, matched rules, every delivery attempt, payload')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { config?: string; json?: boolean }) => {
      // Only the JSON holds job params: the text needs no rules, and gets no warning about them.
      const hidden = opts.json ? await hiddenValuesOrWarn(deps.loadHidden, opts, deps.warn) : undefined;
      await withBus(deps, opts, async (bus) => {
        const detail = await loadEventDetail(bus, id, hidden);
        if (!detail) throw new Error(`no event with id "${id}" (or it is older than the retention period)`);
        write(opts.json ? `${JSON.stringify(detail, null, 2)}\n` : formatDetail(detail));
      });
    });
}

function registerReplay(events: Command, deps: EventsCommandDeps, write: (text: string) => void, now: () => Date): void {
  events
    .command('replay <id>')
    .description('run a stored event through the current rules; delivered jobs are never sent twice')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--dry-run', 'show what would be queued, send nothing')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { config?: string; json?: boolean; dryRun?: boolean }) => {
      const ruleSet = await deps.loadRules(opts.config === undefined ? {} : { config: opts.config });
      await withBus(deps, opts, async (bus) => {
        const stored = await bus.get<HubEvent>('events', id);
        if (!stored) throw new Error(`no event with id "${id}" (or it is older than the retention period)`);
        const result = replayView(
          await replayEvent(bus, ruleSet, stored.payload, { registry: deps.registry, now, dryRun: opts.dryRun ?? false, actor: 'cli' }),
          stored.payload,
          environmentValuesOf(ruleSet),
        );
        write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : formatReplay(result));
        if (result.errors.length > 0) throw new Error(notRendered(result));
      });
    });
}

/** Loads hookhub.yaml and its rules folder, refusing rules with errors (as `hookhub start` does). */
export async function loadConfiguredRules(registry: ActionRegistry, options: { config?: string } = {}): Promise<RuleSet> {
  const env = readEnv();
  const config = await loadConfig(configPathOption(options.config, env), env);
  // With the environment, as the hub loads them: replayed jobs keep `${VAR}` references for secrets.
  const result = await loadRuleSet(config.rulesDir, rulesContext(config, registry, env.vars));
  if (!result.ok)
    throw new Error(
      `invalid rules:\n  ${result.diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic)
        .join('\n  ')}`,
    );
  return result.ruleSet;
}

function filterOf(opts: ListOptions, now: () => Date): EventFilter {
  if (opts.type !== undefined && !isValidTypeGlob(opts.type))
    throw new Error(`--type: "${opts.type}" is not a type glob (e.g. github.pull_request.*)`);
  if (opts.status !== undefined && !EVENT_STATUSES.includes(opts.status as EventStatus))
    throw new Error(`--status must be one of ${EVENT_STATUSES.join(', ')}`);
  const since = parseSince(opts.since, now);
  const until = parseSince(opts.until, now, '--until');
  return {
    ...(opts.type ? { type: opts.type } : {}),
    ...(opts.connector ? { connector: opts.connector } : {}),
    ...(opts.status ? { status: opts.status as EventStatus } : {}),
    ...(opts.q ? { q: opts.q } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
}

function formatPage(page: EventPage): string {
  const rows = page.events.map((e) => [e.received, e.type, e.connector, e.subject ?? '', e.status, e.id]);
  const table = rows.length > 0 ? formatTable(['RECEIVED', 'TYPE', 'CONNECTOR', 'SUBJECT', 'STATUS', 'ID'], rows) : 'no events match\n';
  const searched = page.searchLimited
    ? ` (the search stopped at its limit, back to ${page.searchedTo ?? 'the start'}: older events were not searched)`
    : page.events.length === 0
      ? ` (searched back to ${page.searchedTo ?? 'the start'})`
      : '';
  return `${table}${page.next ? `older: --cursor ${page.next}${searched}\n` : ''}`;
}

function formatDetail(d: EventDetail): string {
  const s = d.summary;
  const lines = [`${s.type}  ${s.status}`, `  id        ${s.id}`, `  connector ${s.connector}`, `  received  ${s.received}`];
  if (s.subject) lines.push(`  subject   ${s.subject}`);
  if (s.url) lines.push(`  url       ${s.url}`);
  lines.push('', 'rules:');
  for (const r of d.rules)
    lines.push(
      `  ${r.rule ?? '(none)'}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}${r.replay ? ` [replay${r.by ? ` by ${r.by}` : ''}]` : ''}`,
    );
  lines.push('', 'deliveries:');
  for (const job of d.jobs) {
    lines.push(`  ${job.id}  ${job.state}${job.deadReason ? `: ${job.deadReason}` : ''}`);
    for (const a of job.attempts) lines.push(...formatAttempt(a));
    for (const r of job.replayedBy) lines.push(`    replayed ${r.time}${r.by ? ` by ${r.by}` : ''}`);
  }
  if (d.jobs.length === 0) lines.push('  none');
  lines.push('', 'payload:', JSON.stringify(d.event.data, null, 2));
  return `${lines.join('\n')}\n`;
}

/** An attempt's line, then what it got back (a `log` channel's rendered message, a response body), indented. */
function formatAttempt(a: AttemptView): string[] {
  const line = `    #${a.attempt} ${a.time} ${a.outcome}${a.status ? ` HTTP ${a.status}` : ''}${a.label ? ` ${a.label}` : ''}${a.latencyMs !== undefined ? ` ${a.latencyMs} ms` : ''}${a.error ? ` ${a.error}` : ''}`;
  if (!a.response) return [line];
  return [line, ...a.response.split('\n').map((l) => `      |${l ? ` ${l}` : ''}`)];
}

function formatReplay(result: ReplayResult): string {
  const lines = result.jobs.map((j) => `${j.decision.padEnd(20)} ${j.id}`);
  if (result.jobs.length === 0 && result.errors.length === 0) lines.push('no rule matches this event now');
  lines.push(
    result.dryRun
      ? 'dry run: nothing was sent'
      : `${result.jobs.filter((j) => !j.decision.startsWith('skipped')).length} job(s) queued for delivery`,
  );
  return `${lines.join('\n')}\n`;
}

/** Why a replay fails (exit 1) after printing the jobs it did queue: the actions it could not render. */
function notRendered(result: ReplayResult): string {
  const which = result.errors.map((e) => `${e.rule} ${e.action} #${e.index}: ${e.error}`).join('; ');
  const nothing = result.dryRun ? 'a replay would queue nothing for them' : 'nothing was queued for them';
  return `${result.errors.length} action(s) could not be rendered, so ${nothing}: ${which}; fix the rule (hookhub rules test --event) and replay again`;
}
