import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { EventBus } from '../bus/event-bus.ts';
import { registerRulesDiff } from './rules-diff-command.ts';
import { createHubEvent, type HubEvent } from '../events/hub-event.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { dryRun, formatDryRun } from '../rules/dry-run.ts';
import { loadRuleSet } from '../rules/load-rule-set.ts';
import type { LoadResult, Rule, RulesContext } from '../rules/rule.ts';
import { createRuleSet } from '../rules/rule-set.ts';
import { formatRuleList, ruleListJson } from '../rules/rule-list.ts';
import { sampleEvents, type ConnectorBlocks } from '../rules/sample-event.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import type { NetworkPolicy } from '../actions/runtime/ssrf/network-policy.ts';

/** What the rules commands need from hookhub.yaml (the lead's config loader provides it). */
export interface RulesCommandContext {
  rulesDir: string;
  channels: readonly string[];
  connectors: readonly string[];
  /** Connector name → type, for "this glob can never match" warnings. */
  connectorTypes?: Readonly<Record<string, string>>;
  registry: ActionRegistry;
  /** Connector blocks from hookhub.yaml (with secrets), for `rules test --sample`. */
  connectorConfigs?: ConnectorBlocks;
  /** Environment for `${VAR}` in rule files. */
  vars?: Readonly<Record<string, string | undefined>>;
  /** hookhub.yaml's SSRF guard settings, for "the guard will refuse this URL" warnings. */
  network?: NetworkPolicy;
}

export interface RulesCommandDeps {
  /** Loads hookhub.yaml (from `--config` when given). */
  loadContext: (options: { config?: string }) => Promise<RulesCommandContext>;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  readStdin?: () => Promise<string>;
  setExitCode?: (code: number) => void;
  now?: () => Date;
  /** Rules made outside the files (chat subscriptions), shown by `rules list` with their origin. */
  loadExtraRules?: (options: { config?: string }) => Promise<readonly Rule[]>;
  /** Opens the configured bus, for `rules diff` (stored events). */
  openBus?: (options: { config?: string }) => Promise<EventBus>;
}

interface CommonOptions {
  config?: string;
  rules?: string;
  json?: boolean;
}

interface RulesCli {
  deps: RulesCommandDeps;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  fail: (code: number) => void;
  now: () => Date;
  load(opts: CommonOptions, paths?: string[]): Promise<{ result: LoadResult; ctx: RulesCommandContext }>;
  /** Prints diagnostics to stderr; false (and exit code 1) when there are errors. */
  report(result: LoadResult): boolean;
}

/** Registers `hookhub rules validate|test|list|diff`. */
export function registerRulesCommand(program: Command, deps: RulesCommandDeps): Command {
  const err = deps.stderr ?? process.stderr;
  const fail = deps.setExitCode ?? ((code: number) => void (process.exitCode = code));
  const cli: RulesCli = {
    deps,
    out: deps.stdout ?? process.stdout,
    err,
    fail,
    now: deps.now ?? (() => new Date()),
    async load(opts, paths) {
      const ctx = await deps.loadContext(opts.config === undefined ? {} : { config: opts.config });
      const targets = paths && paths.length > 0 ? paths : [opts.rules ?? ctx.rulesDir];
      return { result: await loadRuleSet(targets, rulesContextOf(ctx)), ctx };
    },
    report(result) {
      for (const d of result.diagnostics) err.write(`${formatDiagnostic(d)}\n`);
      if (!result.ok) fail(1);
      return result.ok;
    },
  };
  const rules = program.command('rules').description('validate, dry-run and list rules');
  registerValidate(rules, cli);
  registerTest(rules, cli);
  registerList(rules, cli);
  if (deps.openBus)
    registerRulesDiff(rules, { loadContext: deps.loadContext, openBus: deps.openBus, out: cli.out, err, fail, now: cli.now });
  return rules;
}

/** The context rules are compiled against, from what hookhub.yaml gave the command. */
export function rulesContextOf(ctx: RulesCommandContext): RulesContext {
  return {
    registry: ctx.registry,
    channels: ctx.channels,
    connectors: ctx.connectors,
    ...(ctx.connectorTypes ? { connectorTypes: ctx.connectorTypes } : {}),
    ...(ctx.vars ? { vars: ctx.vars } : {}),
    ...(ctx.network ? { network: ctx.network } : {}),
  };
}

function registerValidate(rules: Command, cli: RulesCli) {
  rules
    .command('validate [paths...]')
    .description('check rule files (default: the rules folder from hookhub.yaml); prints file:line:col: message for each problem')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .action(async (paths: string[], opts: CommonOptions) => {
      const { result } = await cli.load(opts, paths);
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = result.diagnostics.length - errors;
      cli.report(result);
      const summary = `${result.ruleSet.rules.length} rule(s) in ${result.ruleSet.files.length} file(s): ${errors} error(s), ${warnings} warning(s)\n`;
      (errors > 0 ? cli.err : cli.out).write(summary);
    });
}

type TestOptions = CommonOptions & { event?: string; sample?: string; type?: string; connector?: string };

function registerTest(rules: Command, cli: RulesCli) {
  rules
    .command('test')
    .description('dry run: which rules an event matches, why near misses did not, and the rendered actions; sends nothing')
    .option('-e, --event <file>', 'a HubEvent (CloudEvents JSON) file, or - for stdin; with --sample or --type, a raw provider payload')
    .option(
      '-s, --sample <connector:event>',
      "run a provider payload through the connector as at ingress (e.g. github:pull_request); without --event, the connector's bundled sample",
    )
    .option('-t, --type <type>', 'wrap the --event file as a raw payload with this event type (no connector normalization)')
    .option('--connector <name>', 'connector name for --type (default: the first segment of the type)')
    .option('-r, --rules <dir>', 'rules folder or file (default: from hookhub.yaml)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'machine-readable output')
    .action(async (opts: TestOptions) => {
      if (!opts.event && !opts.sample) throw new Error('rules test needs --event <file|-> or --sample <connector:event>');
      const { result, ctx } = await cli.load(opts);
      if (!cli.report(result)) return;
      const events = await readEvents(opts, ctx, cli);
      const runs = events.map((event) => dryRun(result.ruleSet, event, { registry: ctx.registry, now: cli.now }));
      if (opts.json) cli.out.write(`${JSON.stringify(runs.length === 1 ? runs[0] : runs, null, 2)}\n`);
      else cli.out.write(runs.map(formatDryRun).join('\n'));
      if (runs.some((run) => run.matched.some((m) => m.errors.length > 0))) cli.fail(1);
    });
}

async function readEvents(opts: TestOptions, ctx: RulesCommandContext, cli: RulesCli): Promise<HubEvent[]> {
  const text =
    opts.event === undefined
      ? undefined
      : opts.event === '-'
        ? await (cli.deps.readStdin ?? readProcessStdin)()
        : await readFile(opts.event, 'utf8');
  if (opts.sample) {
    if (!ctx.connectorConfigs) throw new Error('--sample needs the connectors of hookhub.yaml, which this command was not given');
    const body = text === undefined ? undefined : Buffer.from(text);
    return sampleEvents({ spec: opts.sample, connectors: ctx.connectorConfigs, now: cli.now, ...(body ? { body } : {}) });
  }
  return [parseEvent(text ?? '', { ...opts, event: opts.event ?? '-' }, cli.now())];
}

function registerList(rules: Command, cli: RulesCli) {
  rules
    .command('list')
    .description('list the loaded rules')
    .option('-r, --rules <dir>', 'rules folder or file (default: from hookhub.yaml)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'machine-readable output')
    .action(async (opts: CommonOptions) => {
      const { result } = await cli.load(opts);
      if (!cli.report(result)) return;
      const extra = await loadExtra(cli, opts);
      const ruleSet = extra.length > 0 ? createRuleSet([...result.ruleSet.rules, ...extra], result.ruleSet.files) : result.ruleSet;
      cli.out.write(opts.json ? `${JSON.stringify(ruleListJson(ruleSet), null, 2)}\n` : formatRuleList(ruleSet));
    });
}

/** Subscription rules for `rules list`; a bus that cannot be read is a warning, not a failure. */
async function loadExtra(cli: RulesCli, opts: CommonOptions): Promise<readonly Rule[]> {
  if (!cli.deps.loadExtraRules || opts.rules !== undefined) return [];
  try {
    return await cli.deps.loadExtraRules(opts.config === undefined ? {} : { config: opts.config });
  } catch (error) {
    cli.err.write(`warning: could not read chat subscriptions: ${(error as Error).message}\n`);
    return [];
  }
}

/** A HubEvent as stored by hookhub, or (with --type) a raw provider payload wrapped into one. */
function parseEvent(text: string, opts: { type?: string; connector?: string; event: string }, now: Date): HubEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${opts.event}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (opts.type) {
    const connector = opts.connector ?? opts.type.split('.')[0] ?? 'test';
    return createHubEvent({ id: 'dry-run', type: opts.type, connector, data: value }, now);
  }
  const event = storedEvent(value);
  if (!event || typeof event !== 'object' || typeof event.type !== 'string' || typeof event.id !== 'string') {
    throw new Error(
      `${opts.event}: not a HubEvent (CloudEvents JSON with id, type, connector, data); save a stored one with ` +
        '`hookhub events show <id> --json > event.json`, or for a raw provider payload pass --type <event type>',
    );
  }
  return { ...event, connector: event.connector ?? event.source?.replace('/connectors/', '') ?? '' } as HubEvent;
}

/** The event itself, or the one `hookhub events show <id> --json` holds under `event`: how a real one is saved. */
function storedEvent(value: unknown): Partial<HubEvent> | null {
  const shown = value as { summary?: unknown; event?: unknown } | null;
  if (shown && typeof shown === 'object' && shown.summary && shown.event && typeof shown.event === 'object') return shown.event;
  return value as Partial<HubEvent> | null;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
