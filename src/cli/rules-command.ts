import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createHubEvent, type HubEvent } from '../events/hub-event.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { dryRun, formatDryRun } from '../rules/dry-run.ts';
import { loadRuleSet } from '../rules/load-rule-set.ts';
import type { ActionRegistry, LoadResult, RulesContext } from '../rules/rule.ts';
import { formatRuleList, ruleListJson } from '../rules/rule-list.ts';

/** What the rules commands need from hookhub.yaml (the lead's config loader provides it). */
export interface RulesCommandContext {
  rulesDir: string;
  channels: readonly string[];
  connectors: readonly string[];
  /** Connector name → type, for "this glob can never match" warnings. */
  connectorTypes?: Readonly<Record<string, string>>;
  registry: ActionRegistry;
}

export interface RulesCommandDeps {
  /** Loads hookhub.yaml (from `--config` when given). */
  loadContext: (options: { config?: string }) => Promise<RulesCommandContext>;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  readStdin?: () => Promise<string>;
  setExitCode?: (code: number) => void;
  now?: () => Date;
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

/** Registers `hookhub rules validate|test|list`. */
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
      const context: RulesContext = { registry: ctx.registry, channels: ctx.channels, connectors: ctx.connectors, ...(ctx.connectorTypes ? { connectorTypes: ctx.connectorTypes } : {}) };
      const targets = paths && paths.length > 0 ? paths : [opts.rules ?? ctx.rulesDir];
      return { result: await loadRuleSet(targets, context), ctx };
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
  return rules;
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

function registerTest(rules: Command, cli: RulesCli) {
  rules
    .command('test')
    .description('dry run: which rules an event matches, why near misses did not, and the rendered actions; sends nothing')
    .requiredOption('-e, --event <file>', 'a HubEvent (CloudEvents JSON) file, or - for stdin')
    .option('-r, --rules <dir>', 'rules folder or file (default: from hookhub.yaml)')
    .option('-t, --type <type>', 'treat the file as a raw provider payload with this event type')
    .option('--connector <name>', 'connector name for a raw payload (default: the first segment of --type)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'machine-readable output')
    .action(async (opts: CommonOptions & { event: string; type?: string; connector?: string }) => {
      const { result, ctx } = await cli.load(opts);
      if (!cli.report(result)) return;
      const text = opts.event === '-' ? await (cli.deps.readStdin ?? readProcessStdin)() : await readFile(opts.event, 'utf8');
      const event = parseEvent(text, opts, cli.now());
      const run = dryRun(result.ruleSet, event, { registry: ctx.registry, now: cli.now });
      cli.out.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : formatDryRun(run));
      if (run.matched.some((m) => m.errors.length > 0)) cli.fail(1);
    });
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
      cli.out.write(opts.json ? `${JSON.stringify(ruleListJson(result.ruleSet), null, 2)}\n` : formatRuleList(result.ruleSet));
    });
}

/** A HubEvent as stored by hookhub, or (with --type) a raw provider payload wrapped into one. */
function parseEvent(text: string, opts: { type?: string; connector?: string; event: string }, now: Date): HubEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${opts.event}: not valid JSON: ${(error as Error).message}`);
  }
  if (opts.type) {
    const connector = opts.connector ?? opts.type.split('.')[0] ?? 'test';
    return createHubEvent({ id: 'dry-run', type: opts.type, connector, data: value }, now);
  }
  const event = value as Partial<HubEvent> | null;
  if (!event || typeof event !== 'object' || typeof event.type !== 'string' || typeof event.id !== 'string') {
    throw new Error(`${opts.event}: not a HubEvent (CloudEvents JSON with id, type, connector, data); for a raw provider payload pass --type <event type>`);
  }
  return { ...event, connector: event.connector ?? event.source?.replace('/connectors/', '') ?? '' } as HubEvent;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
