import type { Command } from 'commander';

import type { EventBus } from '../bus/event-bus.ts';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { isValidTypeGlob } from '../events/type-glob.ts';
import { loadEventDetail } from '../operations/event-detail.ts';
import { EVENT_STATUSES, type EventStatus } from '../operations/event-status.ts';
import type { EventFilter } from '../operations/event-filter.ts';
import { listEvents } from '../operations/list-events.ts';
import { environmentValuesOf } from '../operations/event-view.ts';
import { replayEvent, replayView } from '../operations/replay-event.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { loadRuleSet } from '../rules/load-rule-set.ts';
import type { RuleSet } from '../rules/rule.ts';
import { rulesContext } from '../rules-runtime.ts';
import { configPathOption } from './config-path.ts';
import { hiddenValuesOrWarn, type HiddenValues } from './hidden-values.ts';
import { parseSince, withBus } from './dlq-command.ts';
import { formatDetail, formatPage, formatReplay, notRendered } from './events-format.ts';
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
